import { Registry } from 'prom-client';
import type { DeploymentEvent } from './deployment-events';
import { DeploymentMetrics, type MetricSources } from './deployment-metrics';
import { logLine } from './deployment-telemetry.service';
import type { DeploymentStatusView } from './status-board';

let seq = 0;
const event = (body: Record<string, unknown>) =>
  ({ ...body, seq: ++seq, at: new Date(0).toISOString() }) as unknown as DeploymentEvent;

function setup(sources: Partial<MetricSources> = {}, now: () => number = Date.now) {
  const registry = new Registry();
  const metrics = new DeploymentMetrics(
    registry,
    { sites: () => [], deployments: () => [], applyFailures: () => [], ...sources },
    now,
  );
  /** One series' value in what Prometheus would scrape, 0 when absent. */
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const series = (metric?.values ?? []).find((v) =>
      Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
    );
    return series?.value ?? 0;
  };
  return { registry, metrics, value };
}

describe(DeploymentMetrics.name, () => {
  it('counts failovers, returns and offloads per deployment and site', async () => {
    const { metrics, value } = setup();
    const moved = { deploymentId: 'city', siteId: 'a', runsOn: ['c'], version: '1.0.0', reason: 'lost' };
    metrics.record(event({ type: 'failover', ...moved }));
    metrics.record(event({ type: 'failover', ...moved }));
    metrics.record(event({ type: 'return', ...moved }));
    metrics.record(event({ type: 'offload', ...moved, siteId: 'b' }));
    expect(await value('polis_deployment_failovers_total', { deployment: 'city', site: 'a' })).toBe(2);
    expect(await value('polis_deployment_returns_total', { site: 'a' })).toBe(1);
    expect(await value('polis_deployment_offloads_total', { site: 'b' })).toBe(1);
    expect(await value('polis_deployment_offloads_total', { site: 'a' })).toBe(0);
  });

  it('counts rollout steps by site, promotions, completions, rollbacks by cause and stops', async () => {
    const { metrics, value } = setup();
    const rollout = { type: 'rollout', deploymentId: 'city', fromVersion: '1', toVersion: '2' };
    metrics.record(
      event({
        type: 'rollout-step',
        deploymentId: 'city',
        siteIds: ['a', 'b'],
        fromVersion: '1',
        toVersion: '2',
      }),
    );
    metrics.record(event({ ...rollout, phase: 'canary' })); // a start: no previous phase
    metrics.record(event({ ...rollout, phase: 'rolling', previousPhase: 'canary' }));
    metrics.record(event({ ...rollout, phase: 'rolling', previousPhase: 'paused' }));
    metrics.record(event({ ...rollout, phase: 'complete', previousPhase: 'rolling' }));
    metrics.record(
      event({ ...rollout, phase: 'rolled-back', previousPhase: 'rolling', cause: 'slo-breach' }),
    );
    metrics.record(event({ ...rollout, phase: 'failed', previousPhase: 'rolling', cause: 'not-ready' }));
    expect(await value('polis_rollout_steps_total', { deployment: 'city' })).toBe(2);
    expect(await value('polis_rollout_promotions_total')).toBe(1);
    expect(await value('polis_rollout_completions_total')).toBe(1);
    expect(await value('polis_rollout_rollbacks_total', { cause: 'slo-breach' })).toBe(1);
    expect(await value('polis_rollout_rollbacks_total', { cause: 'operator' })).toBe(0);
    expect(await value('polis_rollout_stops_total')).toBe(1);
  });

  it('adds up what the runners report, per deployment (central copies included), site and version', async () => {
    let clock = 0;
    const { metrics, value } = setup({}, () => clock);
    const beat = (deploymentId: string, inferences: number, errors: number, p99: number) => ({
      ts: 0,
      instance: 'r',
      deploymentId,
      siteId: 'a',
      model: { name: 'm', version: '2.0.0' },
      throughput: { inferences },
      errors: { inference: errors, malformedReading: 0 },
      latencyMs: { p99 },
    });
    metrics.heartbeat(beat('city', 40, 10, 12));
    metrics.heartbeat(beat('city--a', 60, 0, 30));
    const labels = { deployment: 'city', site: 'a', version: '2.0.0' };
    expect(await value('polis_runner_inferences_total', labels)).toBe(100);
    expect(await value('polis_runner_errors_total', { ...labels, kind: 'inference' })).toBe(10);
    expect(await value('polis_runner_errors_total', { kind: 'malformedReading' })).toBe(0);
    expect(await value('polis_runner_latency_p99_seconds', labels)).toBeCloseTo(0.03);
    clock = 5 * 60_000 + 1; // that version stopped reporting: its latency is no longer current
    expect(await value('polis_runner_latency_p99_seconds', labels)).toBe(0);
    expect(await value('polis_runner_inferences_total', labels)).toBe(100);
  });

  it('reads site and deployment states at scrape time: one series per current state', async () => {
    let state = 'ready';
    const status = {
      deploymentId: 'city',
      state: 'Offloaded',
      sites: [
        { siteId: 'a', state: 'Offloaded' },
        { siteId: 'b', state: 'Ready' },
      ],
    } as unknown as DeploymentStatusView;
    const { registry, value } = setup({
      sites: () => [
        { siteId: 'a', state, condition: 'unobservable', inTrouble: true, lost: false },
        { siteId: 'b', state: 'ready', condition: 'manageable', inTrouble: false, lost: false },
      ],
      deployments: () => [status],
      applyFailures: () => [{ siteId: 'a', failures: 3 }],
    });
    expect(await value('polis_site_state', { site: 'a', state: 'ready' })).toBe(1);
    state = 'unreachable';
    const text = await registry.metrics();
    expect(text).toContain('polis_site_state{site="a",state="unreachable"} 1');
    expect(text).not.toContain('polis_site_state{site="a",state="ready"}');
    expect(await value('polis_site_condition', { site: 'a', condition: 'unobservable' })).toBe(1);
    expect(await value('polis_site_in_trouble', { site: 'a' })).toBe(1);
    expect(await value('polis_site_in_trouble', { site: 'b' })).toBe(0);
    expect(text).toContain('polis_site_lost{site="a"} 0');
    expect(await value('polis_deployment_state', { deployment: 'city', state: 'Offloaded' })).toBe(1);
    expect(await value('polis_deployment_site_state', { site: 'b', state: 'Ready' })).toBe(1);
    expect(await value('polis_reconcile_apply_failures', { site: 'a' })).toBe(3);
  });
});

describe(logLine.name, () => {
  it('warns with deployment, site, versions and reason for a failover and a rollback; steps are info', () => {
    expect(
      logLine(
        event({
          type: 'failover',
          deploymentId: 'city',
          siteId: 'a',
          runsOn: ['c'],
          version: '1',
          reason: 'lost',
        }),
      ),
    ).toEqual({
      level: 'warn',
      fields: {
        event: 'failover',
        deploymentId: 'city',
        siteId: 'a',
        runsOn: ['c'],
        version: '1',
        reason: 'lost',
      },
    });
    expect(
      logLine(
        event({
          type: 'rollout',
          deploymentId: 'city',
          phase: 'rolled-back',
          previousPhase: 'rolling',
          fromVersion: '1',
          toVersion: '2',
          cause: 'slo-breach',
          siteId: 'a',
          reason: 'error rate',
        }),
      ),
    ).toMatchObject({
      level: 'warn',
      fields: {
        event: 'rollout-rolled-back',
        siteId: 'a',
        fromVersion: '1',
        toVersion: '2',
        reason: 'error rate',
      },
    });
    expect(
      logLine(
        event({
          type: 'rollout-step',
          deploymentId: 'city',
          siteIds: ['a'],
          fromVersion: '1',
          toVersion: '2',
        }),
      ),
    ).toMatchObject({ level: 'log', fields: { event: 'rollout-step', siteIds: ['a'] } });
    expect(logLine(event({ type: 'updated', deploymentId: 'city', revision: 2 }))).toBeUndefined();
  });
});
