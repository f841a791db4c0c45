import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { GOLDEN_CASES } from './__golden__/cases';
import { renderModelWorkload } from './render';
import { toYamlDocuments } from './to-yaml';

// UPDATE_GOLDEN=1 npx jest --selectProjects unit libs/manifests  rewrites the files; review the diff.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = join(__dirname, '__golden__');

describe('golden manifests', () => {
  it.each(GOLDEN_CASES.map((c) => [c.file, c] as const))('%s matches the rendering', (_file, golden) => {
    const path = join(GOLDEN_DIR, golden.file);
    const rendered = toYamlDocuments(renderModelWorkload(golden.input()).objects);
    if (UPDATE) writeFileSync(path, rendered);
    if (!existsSync(path)) throw new Error(`${path} is missing: run with UPDATE_GOLDEN=1 to create it`);
    expect(rendered).toBe(readFileSync(path, 'utf8'));
  });

  it.each(GOLDEN_CASES.map((c) => [c.file, c] as const))(
    '%s parses back to the rendered objects',
    (_file, golden) => {
      const documents = parseAllDocuments(readFileSync(join(GOLDEN_DIR, golden.file), 'utf8'));
      const errors = documents.flatMap((doc) => ('errors' in doc ? doc.errors : []));
      expect(errors).toEqual([]);
      const parsed = documents.map((doc) => doc.toJS() as unknown);
      expect(parsed).toEqual(JSON.parse(JSON.stringify(renderModelWorkload(golden.input()).objects)));
    },
  );
});
