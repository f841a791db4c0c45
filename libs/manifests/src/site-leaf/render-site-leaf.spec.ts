import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toYamlDocuments } from '../to-yaml';
import { renderSiteLeaf } from './render-site-leaf';
import { SiteLeafInputError, type SiteLeafInput } from './leaf-input';

// UPDATE_GOLDEN=1 npx jest libs/manifests  rewrites the file; review the diff.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN = join(__dirname, '__golden__', 'site-leaf.yaml');

const input: SiteLeafInput = {
  siteId: 'traffic-03',
  subjectPrefix: 'polis',
  hubLeafUrl: 'nats-leaf://hub.polis.example:7422',
  maxFileStoreBytes: 2 * 1024 ** 3,
};

describe(renderSiteLeaf.name, () => {
  it('matches the golden rendering', () => {
    const rendered = toYamlDocuments(renderSiteLeaf(input).objects);
    if (UPDATE) writeFileSync(GOLDEN, rendered);
    if (!existsSync(GOLDEN)) throw new Error(`${GOLDEN} is missing: run with UPDATE_GOLDEN=1`);
    expect(rendered).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('gives the leaf the site id as its JetStream domain and keeps readings off the link', () => {
    const { config } = renderSiteLeaf(input);
    expect(config).toContain('domain: "traffic-03"');
    expect(config).toContain('deny_exports: ["polis.telemetry.>", "polis.rollup.>"]');
    expect(config).toContain('deny_imports: ["polis.telemetry.>", "polis.rollup.>"]');
    expect(config).toContain('url: "nats-leaf://hub.polis.example:7422"');
  });

  it('rolls the pod when the config changes', () => {
    const hash = (maxFileStoreBytes: number): unknown =>
      renderSiteLeaf({ ...input, maxFileStoreBytes }).deployment.spec?.template.metadata?.annotations;
    expect(hash(2 * 1024 ** 3)).not.toEqual(hash(3 * 1024 ** 3));
  });

  it('names each bad field', () => {
    const bad = { ...input, siteId: 'Bad.Site', hubLeafUrl: 'nats-leaf://user:pw@hub:7422' };
    expect(() => renderSiteLeaf(bad)).toThrow(SiteLeafInputError);
    expect(() => renderSiteLeaf(bad)).toThrow(/siteId.*hubLeafUrl/);
  });

  it('refuses a prefix that would inject config', () => {
    expect(() => renderSiteLeaf({ ...input, subjectPrefix: 'p"\n}' })).toThrow(/subjectPrefix/);
  });
});
