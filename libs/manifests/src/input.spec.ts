import { minimalCpuInput } from './__golden__/cases';
import { ManifestInputError, parseModelWorkloadInput, type ModelWorkloadInput } from './input';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseModelWorkloadInput(input);
  } catch (error) {
    if (error instanceof ManifestInputError) return [...error.issues];
    throw error;
  }
  throw new Error('input was accepted');
}

function patched(patch: (input: Record<string, unknown> & ModelWorkloadInput) => void): unknown {
  const input = minimalCpuInput() as Record<string, unknown> & ModelWorkloadInput;
  patch(input);
  return input;
}

describe('parseModelWorkloadInput', () => {
  it('fills in the defaults of a minimal input', () => {
    const spec = parseModelWorkloadInput(minimalCpuInput());
    expect(spec.subjectPrefix).toBe('polis');
    expect(spec.replicas).toBe(1);
    expect(spec.runtime).toMatchObject({ pullPolicy: 'IfNotPresent', httpPort: 8080 });
    expect(spec.resources.cpu).toEqual({ request: '250m', limit: '1' });
    expect(spec.placement).toEqual({ nodeSelector: {}, requiredNodeLabels: [], tolerations: [] });
    expect(spec.runsOnSiteId).toBe(spec.siteId);
  });

  it('lets a site pin on the node selector name the site the pods run on, not the one they serve', () => {
    const copy = { ...minimalCpuInput(), runsOnSiteId: 'central-1' };
    const pinnedThere = { ...copy, placement: { nodeSelector: { 'polis.city/site': 'central-1' } } };
    expect(parseModelWorkloadInput(pinnedThere).runsOnSiteId).toBe('central-1');
    const pinnedHome = { ...copy, placement: { nodeSelector: { 'polis.city/site': copy.siteId } } };
    expect(issuesOf(pinnedHome)).toContainEqual({
      path: 'placement.nodeSelector.polis.city/site',
      message: '"north-3" contradicts runsOnSiteId "central-1"',
    });
  });

  it.each<[string, (i: Record<string, unknown> & ModelWorkloadInput) => void]>([
    ['deploymentId', (i) => (i.deploymentId = 'Dep_1')],
    ['siteId', (i) => (i.siteId = '-north')],
    ['siteId', (i) => (i.siteId = 'n'.repeat(64))],
    ['model.name', (i) => (i.model.name = '9lives')],
    ['model.version', (i) => (i.model.version = '1.0.0+build.7')],
    ['model.artifactSha256', (i) => (i.model.artifactSha256 = 'ABC')],
    ['model.artifactUrl', (i) => (i.model.artifactUrl = 'ftp://hub/model.onnx')],
    ['natsUrl', (i) => (i.natsUrl = 'not a url')],
    ['natsUrl', (i) => (i.natsUrl = 'http://hub:4222')],
    ['sensorKinds', (i) => (i.sensorKinds = [])],
    ['sensorKinds', (i) => (i.sensorKinds = ['traffic-loop', 'traffic-loop'])],
    ['sensorKinds.0', (i) => (i.sensorKinds = ['Traffic.Loop'])],
    ['subjectPrefix', (i) => (i.subjectPrefix = 'polis.>')],
    ['runsOnSiteId', (i) => (i.runsOnSiteId = 'Central_1')],
    ['runtime.image', (i) => (i.runtime.image = 'ghcr.io/polis/runner:latest')],
    ['runtime.version', (i) => (i.runtime.version = '-bad')],
    ['runtime.httpPort', (i) => (i.runtime.httpPort = 80)],
    ['replicas', (i) => (i.replicas = -1)],
    ['resources.memory.request', (i) => (i.resources = { memory: { request: '2Gi', limit: '1Gi' } })],
    ['resources.cpu.limit', (i) => (i.resources = { cpu: { request: '1', limit: 'lots' } })],
    ['gpu.count', (i) => (i.gpu = { count: 0 })],
    ['gpu.resourceName', (i) => (i.gpu = { count: 1, resourceName: 'gpu' })],
    [
      'placement.nodeSelector.polis.city/site',
      (i) => (i.placement = { nodeSelector: { 'polis.city/site': 'x' } }),
    ],
    [
      'placement.tolerations.0.value',
      (i) => (i.placement = { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }),
    ],
    [
      'placement.requiredNodeLabels.0.values',
      (i) => (i.placement = { requiredNodeLabels: [{ key: 'k', operator: 'In' }] }),
    ],
    [
      'placement.requiredNodeLabels.0.key',
      (i) => (i.placement = { requiredNodeLabels: [{ key: 'a/b/c', operator: 'Exists' }] }),
    ],
  ])('names %s when it is wrong', (field, patch) => {
    expect(issuesOf(patched(patch)).map((issue) => issue.path)).toContain(field);
  });

  it('names a field it does not know', () => {
    const messages = issuesOf(patched((i) => (i.replica = 2))).map((issue) => issue.message);
    expect(messages.join(' ')).toContain("'replica'");
  });

  it('puts every bad field in one error message', () => {
    const input = patched((i) => {
      i.siteId = 'Bad Site';
      i.model.artifactSha256 = 'xyz';
    });
    expect(() => parseModelWorkloadInput(input)).toThrow(
      /siteId: .*model\.artifactSha256: must be 64 lowercase hex/,
    );
  });

  it('rejects what is not an object with a typed error', () => {
    expect(() => parseModelWorkloadInput(null)).toThrow(ManifestInputError);
    expect(() => parseModelWorkloadInput('dep-1')).toThrow(/invalid model workload/);
  });
});
