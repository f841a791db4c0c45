import { RUNNER_ENV } from '@polis/manifests';
import { ConfigError, loadConfig } from './config';

const base = {
  [RUNNER_ENV.siteId]: 'site-a',
  [RUNNER_ENV.modelName]: 'traffic-flow-forecaster',
  [RUNNER_ENV.modelVersion]: '1.0.0',
  [RUNNER_ENV.natsUrl]: 'nats://10.0.0.1:4222',
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('refuses a publish subject the serving stream does not republish onto, naming the one it must be', () => {
    const error = errorOf({
      ...base,
      POLIS_SUBJECT_PREFIX: 'city',
      [RUNNER_ENV.publishSubject]: 'city.results.site-a.traffic-flow-forecaster',
    });
    expect(error.variable).toBe(RUNNER_ENV.publishSubject);
    expect(error.message).toMatch(/must be city\.inference\.site-a\.traffic-flow-forecaster/);
  });

  it('fills defaults a site can run with, binding HTTP to loopback', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      subjectPrefix: 'polis',
      publishSubject: 'polis.inference.site-a.traffic-flow-forecaster',
      cacheDir: '/var/cache/polis/models',
      batching: { maxBatchSize: 32, maxWaitMs: 20 },
      http: { host: '127.0.0.1', port: 8080 },
      queueGroup: 'runner-traffic-flow-forecaster-site-a',
      sessionWorkers: 1,
      intraOpThreads: 1,
      inlineBudgetUs: 100,
      decisionPolicy: { phaseExtensionSeconds: { slow: 10, congested: 20 } },
    });
    expect(config.subscribeSubjects).toBeUndefined();
  });

  it('takes an inline budget in whole microseconds, 0 meaning worker threads only', () => {
    expect(loadConfig({ ...base, POLIS_INLINE_BUDGET_US: '0' }).inlineBudgetUs).toBe(0);
    expect(loadConfig({ ...base, POLIS_INLINE_BUDGET_US: '250' }).inlineBudgetUs).toBe(250);
    expect(errorOf({ ...base, POLIS_INLINE_BUDGET_US: '0.5' }).message).toBe(
      'POLIS_INLINE_BUDGET_US: must be a whole number',
    );
    expect(errorOf({ ...base, POLIS_INLINE_BUDGET_US: '20000' }).variable).toBe('POLIS_INLINE_BUDGET_US');
  });

  it('reads the ConfigMap keys the manifests render, and takes the prefix from the publish subject', () => {
    const config = loadConfig({
      ...base,
      [RUNNER_ENV.deploymentId]: 'dep-1',
      [RUNNER_ENV.natsQueueGroup]: 'runner-dep-1',
      [RUNNER_ENV.subscribeSubjects]: 'city.telemetry.site-a.traffic-loop.*',
      [RUNNER_ENV.publishSubject]: 'city.inference.site-a.traffic-flow-forecaster',
      [RUNNER_ENV.batchMaxSize]: '64',
      [RUNNER_ENV.batchMaxWaitMs]: '0',
      [RUNNER_ENV.httpPort]: '9000',
      POLIS_HTTP_HOST: '0.0.0.0',
      POLIS_POD_NAME: 'Runner.Pod-7',
      POLIS_CONTEXT_DEFAULTS: '{"temperatureC": 12.5}',
      POLIS_LOAD_ALERT_KW: '45',
    });
    expect(config).toMatchObject({
      deploymentId: 'dep-1',
      queueGroup: 'runner-dep-1',
      subjectPrefix: 'city',
      servingSubjects: {
        inference: 'city.serving.inference.site-a.traffic-flow-forecaster',
        decision: 'city.serving.decision.site-a.traffic-flow-forecaster',
      },
      subscribeSubjects: ['city.telemetry.site-a.traffic-loop.*'],
      batching: { maxBatchSize: 64, maxWaitMs: 0 },
      http: { host: '0.0.0.0', port: 9000 },
      instance: 'runner-pod-7',
      contextDefaults: { temperatureC: 12.5 },
      decisionPolicy: { loadAlertKw: 45 },
    });
  });

  it.each([
    [{ [RUNNER_ENV.siteId]: '' }, RUNNER_ENV.siteId, /required/],
    [{ [RUNNER_ENV.natsUrl]: 'http://user:secret@hub:4222' }, RUNNER_ENV.natsUrl, /nats:\/\//],
    [{ [RUNNER_ENV.batchMaxSize]: '0' }, RUNNER_ENV.batchMaxSize, />= 1/],
    [{ [RUNNER_ENV.batchMaxWaitMs]: '1.5' }, RUNNER_ENV.batchMaxWaitMs, /whole number/],
    [{ [RUNNER_ENV.artifactSha256]: 'ABC' }, RUNNER_ENV.artifactSha256, /hex/],
    [{ [RUNNER_ENV.subscribeSubjects]: 'a..b' }, RUNNER_ENV.subscribeSubjects, /tokens/],
    [{ POLIS_CONTEXT_DEFAULTS: '{"t": "warm"}' }, 'POLIS_CONTEXT_DEFAULTS', /t: Expected number/],
    [{ POLIS_FIELD_AGGREGATION: '{"vehicleCount": "median"}' }, 'POLIS_FIELD_AGGREGATION', /vehicleCount/],
  ])('names the variable at fault: %p', (override, variable, message) => {
    const error = errorOf({ ...base, ...override });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it('never echoes a NATS URL, which may carry credentials', () => {
    expect(errorOf({ ...base, [RUNNER_ENV.natsUrl]: 'http://user:secret@hub' }).message).not.toContain(
      'secret',
    );
  });
});
