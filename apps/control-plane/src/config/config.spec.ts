import { tmpdir } from 'node:os';
import { ConfigError, loadConfig, retentionToMs } from './config';

describe(loadConfig.name, () => {
  it('applies loopback defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.influx.url).toBe('http://127.0.0.1:8086/polis');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('names the bad variable and the value it got', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT .*"eighty"/);
    expect(() => loadConfig({ NATS_URL: 'http://x:1' })).toThrow(/NATS_URL must use nats: or tls:/);
    expect(() => loadConfig({ INFLUX_URL: 'http://127.0.0.1:8086' })).toThrow(
      /INFLUX_URL must name the database/,
    );
  });

  it('reads the operator policy: denied operators and domains, and an opset range within the runtime', () => {
    const { policy } = loadConfig({
      MODEL_DENY_OPERATORS: 'Loop, com.microsoft::Attention,,Scan',
      MODEL_DENY_DOMAINS: 'com.microsoft.nchwc',
      MODEL_MIN_OPSET: '13',
      MODEL_MAX_OPSET: '17',
    }).models;
    expect(policy).toEqual({
      minOpset: 13,
      maxOpset: 17,
      deniedOperators: ['Loop', 'com.microsoft::Attention', 'Scan'],
      deniedDomains: ['com.microsoft.nchwc'],
      allowExternalData: false,
    });
    expect(() => loadConfig({ MODEL_DENY_OPERATORS: 'Loop;If' })).toThrow(
      /MODEL_DENY_OPERATORS each entry must be an operator/,
    );
    expect(() => loadConfig({ MODEL_DENY_DOMAINS: 'ai.onnx' })).toThrow(/MODEL_DENY_DOMAINS each entry/);
    expect(() => loadConfig({ MODEL_MAX_OPSET: '23' })).toThrow(/MODEL_MAX_OPSET .*"23"/);
    expect(() => loadConfig({ MODEL_MIN_OPSET: '18', MODEL_MAX_OPSET: '17' })).toThrow(
      /MODEL_MAX_OPSET must be at least MODEL_MIN_OPSET \(18\)/,
    );
  });

  it('bounds model uploads and validation, with defaults for a 256 MiB model and a 30 s check', () => {
    expect(loadConfig({}).models).toEqual({
      maxBytes: 256 * 1024 ** 2,
      validationTimeoutMs: 30_000,
      validationConcurrency: 2,
      uploadDir: tmpdir(),
      validatorTestFault: undefined,
      policy: { minOpset: 1, maxOpset: 22, deniedOperators: [], deniedDomains: [], allowExternalData: false },
    });
    const config = loadConfig({
      MODEL_MAX_BYTES: '1048576',
      MODEL_VALIDATION_TIMEOUT_MS: '5000',
      MODEL_UPLOAD_DIR: '/var/tmp/polis',
      POLIS_VALIDATOR_TEST_FAULT: 'hang',
    });
    expect(config.models).toMatchObject({
      maxBytes: 1_048_576,
      validationTimeoutMs: 5_000,
      uploadDir: '/var/tmp/polis',
      validatorTestFault: 'hang',
    });
    expect(() => loadConfig({ MODEL_MAX_BYTES: '12' })).toThrow(/MODEL_MAX_BYTES/);
    expect(() => loadConfig({ MODEL_VALIDATION_TIMEOUT_MS: '10' })).toThrow(/MODEL_VALIDATION_TIMEOUT_MS/);
    expect(() => loadConfig({ POLIS_VALIDATOR_TEST_FAULT: 'explode' })).toThrow(/POLIS_VALIDATOR_TEST_FAULT/);
  });

  it('reports every bad variable at once', () => {
    const error = captureError(() => loadConfig({ PORT: '-1', REDIS_URL: 'nope' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['PORT', 'REDIS_URL']);
  });
});

describe('site and cluster settings', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  it('leaves the kubeconfig key unset by default, so sites cannot be registered without one', () => {
    const config = loadConfig({});
    expect(config.sites.kubeconfigKey).toBeUndefined();
    expect(config.kube).toEqual({
      requestTimeoutMs: 10_000,
      maxInflightPerCluster: 16,
      maxInflightTotal: 512,
    });
  });

  it('accepts a 32-byte base64 key and refuses any other length without echoing it', () => {
    expect(loadConfig({ POLIS_KUBECONFIG_KEY: key }).sites.kubeconfigKey).toBe(key);
    const short = Buffer.alloc(16, 7).toString('base64');
    const error = captureError(() => loadConfig({ POLIS_KUBECONFIG_KEY: short }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/POLIS_KUBECONFIG_KEY must be 32 bytes in base64/);
    expect((error as Error).message).not.toContain(short);
  });

  it('reads monitor and client limits', () => {
    const config = loadConfig({
      SITE_MONITOR_INTERVAL_MS: '1000',
      SITE_PROBE_TIMEOUT_MS: '750',
      KUBE_REQUEST_TIMEOUT_MS: '2000',
      KUBE_MAX_INFLIGHT_PER_CLUSTER: '4',
      KUBE_MAX_INFLIGHT_TOTAL: '64',
    });
    expect(config.sites).toMatchObject({ monitorIntervalMs: 1000, probeTimeoutMs: 750 });
    expect(config.kube).toEqual({ requestTimeoutMs: 2000, maxInflightPerCluster: 4, maxInflightTotal: 64 });
    expect(() => loadConfig({ KUBE_MAX_INFLIGHT_PER_CLUSTER: '0' })).toThrow(/KUBE_MAX_INFLIGHT_PER_CLUSTER/);
  });
});

describe('deployment settings', () => {
  it('fails over after 30 s, batches changes for 500 ms, and gives runners the hub NATS by default', () => {
    const config = loadConfig({ NATS_URL: 'nats://hub.polis.test:4222' });
    expect(config.deployments).toEqual({
      siteLossGraceMs: 30_000,
      replanDebounceMs: 500,
      defaultRttToCentralMs: 10,
      progressDeadlineMs: 600_000,
      runner: {
        image: 'ghcr.io/polis-city/edge-runtime',
        version: '0.1.0',
        natsUrl: 'nats://hub.polis.test:4222',
      },
      publicUrl: 'http://127.0.0.1:8080',
    });
  });

  it('gives runners their site leaf with the edge data plane, unless DEPLOYMENT_RUNNER_NATS_URL says otherwise', () => {
    expect(loadConfig({ EDGE_DATA_PLANE: 'true' }).deployments.runner.natsUrl).toBe(
      'nats://polis-site-nats.polis-system.svc:4222',
    );
    expect(loadConfig({ EDGE_DATA_PLANE: 'true' }).sites.edgeDataPlane).toBe(true);
    expect(
      loadConfig({ EDGE_DATA_PLANE: 'true', DEPLOYMENT_RUNNER_NATS_URL: 'nats://hub:4222' }).deployments
        .runner.natsUrl,
    ).toBe('nats://hub:4222');
    expect(() => loadConfig({ EDGE_DATA_PLANE: 'yes' })).toThrow(/EDGE_DATA_PLANE/);
  });

  it('reads overrides and refuses an image with a tag or a public URL of another scheme', () => {
    const config = loadConfig({
      DEPLOYMENT_SITE_LOSS_GRACE_MS: '2000',
      DEPLOYMENT_RUNNER_NATS_URL: 'tls://nats.polis.example:4222',
      POLIS_PUBLIC_URL: 'https://polis.example/',
    });
    expect(config.deployments).toMatchObject({
      siteLossGraceMs: 2_000,
      runner: { natsUrl: 'tls://nats.polis.example:4222' },
      publicUrl: 'https://polis.example',
    });
    expect(() => loadConfig({ DEPLOYMENT_RUNNER_IMAGE: 'ghcr.io/x/runner:1.0' })).toThrow(
      /DEPLOYMENT_RUNNER_IMAGE must be an image repository without tag/,
    );
    expect(() => loadConfig({ POLIS_PUBLIC_URL: 'ftp://polis.example' })).toThrow(/POLIS_PUBLIC_URL/);
    expect(() => loadConfig({ DEPLOYMENT_SITE_LOSS_GRACE_MS: '-1' })).toThrow(
      /DEPLOYMENT_SITE_LOSS_GRACE_MS/,
    );
  });
});

describe(retentionToMs.name, () => {
  it('converts InfluxDB durations', () => {
    expect(retentionToMs('2h')).toBe(7_200_000);
    expect(retentionToMs('30d')).toBe(30 * 86_400_000);
    expect(retentionToMs('1w')).toBe(7 * 86_400_000);
    expect(retentionToMs('INF')).toBe(Number.POSITIVE_INFINITY);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
