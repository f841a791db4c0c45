import { CliUsageError, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('parses the required options and applies defaults', () => {
    expect(
      parseCliOptions(['--clusters', '3', '--nodes-per-cluster', '2', '--kubeconfig-dir', '/tmp/k']),
    ).toEqual({
      clusters: 3,
      nodesPerCluster: 2,
      kubeconfigDir: '/tmp/k',
      basePort: undefined,
      adminPort: undefined,
      namePrefix: 'site',
      nodeCpu: '4',
      nodeMemory: '16Gi',
      nodeGpus: 0,
      podStartDelayMs: 100,
      zones: [],
      siteLabels: false,
      runPods: undefined,
      podEnv: {},
    });
  });

  it('returns undefined for --help', () => {
    expect(parseCliOptions(['--help'])).toBeUndefined();
  });

  it.each([
    [[], 'required'],
    [
      ['--clusters', '0', '--nodes-per-cluster', '1', '--kubeconfig-dir', 'd'],
      '--clusters must be an integer between 1',
    ],
    [
      ['--clusters', 'two', '--nodes-per-cluster', '1', '--kubeconfig-dir', 'd'],
      '--clusters must be an integer',
    ],
    [
      ['--clusters', '2', '--nodes-per-cluster', '1', '--kubeconfig-dir', 'd', '--base-port', '65535'],
      'too few ports',
    ],
    [
      ['--clusters', '2', '--nodes-per-cluster', '1', '--kubeconfig-dir', 'd', '--name-prefix', 'Bad_Name'],
      'DNS label',
    ],
    [['--clusters', '2', '--bogus'], "Unknown option '--bogus'"],
    [
      ['--clusters', '1', '--nodes-per-cluster', '1', '--kubeconfig-dir', 'd', '--zones', 'north,,south'],
      '--zones must be comma-separated Kubernetes label values, got ""',
    ],
    [
      ['--clusters', '1', '--nodes-per-cluster', '1', '--kubeconfig-dir', 'd', '--admin-port', '70000'],
      '--admin-port must be an integer between 1 and 65535',
    ],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(CliUsageError);
    expect(() => parseCliOptions(argv)).toThrow(message);
  });
});

describe('parseCliOptions for running pods', () => {
  const base = ['--clusters', '1', '--nodes-per-cluster', '1', '--kubeconfig-dir', '/tmp/k'];

  it('reads the pod runner, repeated --pod-env pairs and --site-labels', () => {
    const options = parseCliOptions([
      ...base,
      '--site-labels',
      '--run-pods',
      'dist/apps/edge-runtime/main.js',
      '--pod-env',
      'INFLUX_URL=http://127.0.0.1:8086/polis',
      '--pod-env',
      'POLIS_CONTEXT_DEFAULTS={"temperatureC":12}',
    ]);
    expect(options).toMatchObject({
      siteLabels: true,
      runPods: 'dist/apps/edge-runtime/main.js',
      podEnv: { INFLUX_URL: 'http://127.0.0.1:8086/polis', POLIS_CONTEXT_DEFAULTS: '{"temperatureC":12}' },
    });
  });

  it('reads the zones the clusters are in and the admin port', () => {
    expect(parseCliOptions([...base, '--zones', 'north,south', '--admin-port', '7000'])).toMatchObject({
      zones: ['north', 'south'],
      adminPort: 7000,
    });
  });

  it('names a malformed --pod-env', () => {
    expect(() => parseCliOptions([...base, '--pod-env', 'no-equals'])).toThrow(
      /--pod-env must look like KEY=VALUE/,
    );
  });
});
