import { Counter, Gauge, type Registry } from 'prom-client';
import type { DeploymentEvent } from './deployment-events';
import { owningDeploymentId, type Heartbeat } from './heartbeat';
import type { DeploymentStatusView } from './status-board';

type RunnerLabels = { deployment: string; site: string; version: string };

/** A version that stopped reporting (rolled back, deleted) leaves the latency gauge after this. */
const P99_FRESH_MS = 5 * 60_000;

/** What the gauges read when Prometheus scrapes: the current state, not a history. */
export interface MetricSources {
  /** Every registered site: the state of its last check, and what liveness makes of it. */
  sites: () => readonly {
    siteId: string;
    state: string;
    condition: string;
    inTrouble: boolean;
    lost: boolean;
  }[];
  deployments: () => readonly DeploymentStatusView[];
  /** Objects Polis could not apply, per site. */
  applyFailures: () => readonly { siteId: string; failures: number }[];
}

/**
 * The deployment metrics on the process's registry: gauges of site and deployment state read at scrape
 * time, counters of what happened (failovers, returns, offloads, rollout steps, promotions, rollbacks,
 * quarantines, reconcile failures) fed by the deployment events, and the runners' own counts fed by their
 * heartbeats. Names and alerts: docs/operations.md.
 */
export class DeploymentMetrics {
  private readonly failovers: Counter<'deployment' | 'site'>;
  private readonly returns: Counter<'deployment' | 'site'>;
  private readonly offloads: Counter<'deployment' | 'site'>;
  private readonly rolloutSteps: Counter<'deployment'>;
  private readonly promotions: Counter<'deployment'>;
  private readonly completions: Counter<'deployment'>;
  private readonly rollbacks: Counter<'deployment' | 'cause'>;
  private readonly stops: Counter<'deployment'>;
  private readonly quarantines: Counter<'model'>;
  private readonly reconcileFailures: Counter<'stage'>;
  private readonly inferences: Counter<'deployment' | 'site' | 'version'>;
  private readonly runnerErrors: Counter<'deployment' | 'site' | 'version' | 'kind'>;
  /** Last p99 per (deployment, site, version), with when it arrived: stale ones leave the gauge. */
  private readonly lastP99 = new Map<string, { labels: RunnerLabels; seconds: number; at: number }>();
  private readonly malformedBeats: Counter;

  constructor(
    registry: Registry,
    sources: MetricSources,
    private readonly now: () => number = Date.now,
  ) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.failovers = counter(
      'polis_deployment_failovers_total',
      "A lost site's replicas planned at a central site",
      ['deployment', 'site'],
    );
    this.returns = counter(
      'polis_deployment_returns_total',
      "A site's replicas planned at home again after a failover or offload",
      ['deployment', 'site'],
    );
    this.offloads = counter(
      'polis_deployment_offloads_total',
      "A reachable site's replicas planned at a central site (no room or no eligible node at home)",
      ['deployment', 'site'],
    );
    this.rolloutSteps = counter('polis_rollout_steps_total', 'Sites switched to a new version by a rollout', [
      'deployment',
    ]);
    this.promotions = counter('polis_rollout_promotions_total', 'Canaries promoted to the remaining sites', [
      'deployment',
    ]);
    this.completions = counter('polis_rollout_completions_total', 'Rollouts that reached every site', [
      'deployment',
    ]);
    this.rollbacks = counter(
      'polis_rollout_rollbacks_total',
      'Rollouts rolled back, by cause (slo-breach, not-ready, operator)',
      ['deployment', 'cause'],
    );
    this.stops = counter(
      'polis_rollout_stops_total',
      'Rollouts stopped at a site that missed its progress deadline',
      ['deployment'],
    );
    this.quarantines = counter(
      'polis_model_quarantines_total',
      'Model versions quarantined after failing at runtime',
      ['model'],
    );
    this.reconcileFailures = counter(
      'polis_reconcile_failures_total',
      'Reconcile passes or plans that started failing (or failed differently)',
      ['stage'],
    );
    this.inferences = counter(
      'polis_runner_inferences_total',
      'Inferences the runners reported in their heartbeats',
      ['deployment', 'site', 'version'],
    );
    this.runnerErrors = counter(
      'polis_runner_errors_total',
      'Failures the runners reported in their heartbeats, by kind',
      ['deployment', 'site', 'version', 'kind'],
    );
    const latency: Gauge<'deployment' | 'site' | 'version'> = new Gauge({
      name: 'polis_runner_latency_p99_seconds',
      help: 'p99 end-to-end latency in the last heartbeat of a runner of this deployment, site and version (heartbeats of the last 5 minutes)',
      labelNames: ['deployment', 'site', 'version'],
      registers,
      collect: () => {
        latency.reset();
        const oldest = this.now() - P99_FRESH_MS;
        for (const [key, last] of this.lastP99)
          if (last.at < oldest) this.lastP99.delete(key);
          else latency.set(last.labels, last.seconds);
      },
    });
    this.malformedBeats = new Counter({
      name: 'polis_runner_heartbeats_malformed_total',
      help: 'Heartbeats dropped because they do not follow the contract',
      registers,
    });
    this.stateGauges(registers, sources);
  }

  /** Counts what a deployment event says happened. */
  record(event: DeploymentEvent): void {
    switch (event.type) {
      case 'failover':
        return this.failovers.inc({ deployment: event.deploymentId, site: event.siteId });
      case 'return':
        return this.returns.inc({ deployment: event.deploymentId, site: event.siteId });
      case 'offload':
        return this.offloads.inc({ deployment: event.deploymentId, site: event.siteId });
      case 'rollout-step':
        return this.rolloutSteps.inc({ deployment: event.deploymentId }, event.siteIds.length);
      case 'rollout':
        return this.recordPhase(event);
      case 'quarantined':
        return this.quarantines.inc({ model: event.model });
      case 'reconcile-failed':
        return this.reconcileFailures.inc({ stage: event.stage });
      case 'created':
      case 'updated':
      case 'deleted':
      case 'status':
      case 'planned':
        return;
    }
  }

  heartbeat(beat: Heartbeat): void {
    const labels = {
      deployment: owningDeploymentId(beat.deploymentId),
      site: beat.siteId,
      version: beat.model.version,
    };
    this.inferences.inc(labels, beat.throughput.inferences);
    for (const [kind, count] of Object.entries(beat.errors))
      if (count > 0) this.runnerErrors.inc({ ...labels, kind }, count);
    this.lastP99.set(JSON.stringify(labels), { labels, seconds: beat.latencyMs.p99 / 1000, at: this.now() });
  }

  malformedHeartbeat(): void {
    this.malformedBeats.inc();
  }

  private recordPhase(event: Extract<DeploymentEvent, { type: 'rollout' }>): void {
    const deployment = event.deploymentId;
    if (event.previousPhase === undefined || event.previousPhase === event.phase) return;
    switch (event.phase) {
      case 'rolling':
        if (event.previousPhase === 'canary') this.promotions.inc({ deployment });
        return;
      case 'complete':
        return this.completions.inc({ deployment });
      case 'rolled-back':
        return this.rollbacks.inc({ deployment, cause: event.cause ?? 'operator' });
      case 'failed':
        return this.stops.inc({ deployment });
      case 'canary':
      case 'paused':
        return;
    }
  }

  /** One series per current state (value 1): `polis_site_state{state="unreachable"} == 1` alerts. */
  private stateGauges(registers: Registry[], sources: MetricSources): void {
    const sites: Gauge<'site' | 'state'> = new Gauge({
      name: 'polis_site_state',
      help: 'The state of the last check of each site (1 for its current state)',
      labelNames: ['site', 'state'],
      registers,
      collect: () => {
        sites.reset();
        for (const { siteId, state } of sources.sites()) sites.set({ site: siteId, state }, 1);
      },
    });
    const conditions: Gauge<'site' | 'condition'> = new Gauge({
      name: 'polis_site_condition',
      help: 'What Polis can say of each site (manageable, unobservable, no-ready-node, unchecked; 1 for the current one)',
      labelNames: ['site', 'condition'],
      registers,
      collect: () => {
        conditions.reset();
        for (const { siteId, condition } of sources.sites()) conditions.set({ site: siteId, condition }, 1);
      },
    });
    const inTrouble: Gauge<'site'> = new Gauge({
      name: 'polis_site_in_trouble',
      help: '1 while a site cannot be managed (its desired set is frozen; it is lost after the grace period)',
      labelNames: ['site'],
      registers,
      collect: () => {
        inTrouble.reset();
        for (const site of sources.sites()) inTrouble.set({ site: site.siteId }, site.inTrouble ? 1 : 0);
      },
    });
    const lost: Gauge<'site'> = new Gauge({
      name: 'polis_site_lost',
      help: '1 once a site was in trouble for the whole grace period: its replicas fail over',
      labelNames: ['site'],
      registers,
      collect: () => {
        lost.reset();
        for (const site of sources.sites()) lost.set({ site: site.siteId }, site.lost ? 1 : 0);
      },
    });
    const overall: Gauge<'deployment' | 'state'> = new Gauge({
      name: 'polis_deployment_state',
      help: 'The overall state of each deployment (1 for its current state)',
      labelNames: ['deployment', 'state'],
      registers,
      collect: () => {
        overall.reset();
        for (const d of sources.deployments()) overall.set({ deployment: d.deploymentId, state: d.state }, 1);
      },
    });
    const perSite: Gauge<'deployment' | 'site' | 'state'> = new Gauge({
      name: 'polis_deployment_site_state',
      help: 'The state of each deployment at each of its target sites (1 for its current state)',
      labelNames: ['deployment', 'site', 'state'],
      registers,
      collect: () => {
        perSite.reset();
        for (const d of sources.deployments())
          for (const s of d.sites)
            perSite.set({ deployment: d.deploymentId, site: s.siteId, state: s.state }, 1);
      },
    });
    const applyFailures: Gauge<'site'> = new Gauge({
      name: 'polis_reconcile_apply_failures',
      help: 'Objects Polis could not apply at each site, as of now',
      labelNames: ['site'],
      registers,
      collect: () => {
        applyFailures.reset();
        for (const { siteId, failures } of sources.applyFailures())
          applyFailures.set({ site: siteId }, failures);
      },
    });
  }
}
