import { Inject, Injectable } from '@nestjs/common';
import { isRolledOut } from '@polis/kube';
import { ANNOTATION_MODEL_VERSION } from '@polis/manifests';
import type { DeploymentSpec, Plan } from '@polis/placement';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClusterFleet } from './cluster-fleet';
import type { DeploymentRecord } from './deployment.schema';
import { DesiredStateStore } from './desired-state.store';
import type { ModelRequirements } from './model-profile';
import { PlannerService, type PlanOutcome } from './planner.service';
import { renderIntents, type RenderContext, type RenderedIntents } from './render-workloads';
import { RolloutController } from './rollout-controller.service';
import { deriveStatus, type DeploymentStatus, type SiteTrouble, type WorkloadObservation } from './status';
import { intentsFromPlan, withDraining, workloadKey, type WorkloadIntent } from './workloads';

export interface PassResult {
  outcome: PlanOutcome;
  statuses: { record: DeploymentRecord; status: DeploymentStatus }[];
}

/**
 * One pass of the control loop: desired deployments + fleet → plan → rollout versions → workloads →
 * objects per cluster → status. Sites in trouble are frozen: their desired set is not touched while they
 * are away, so nothing there is deleted and re-created when they return.
 */
@Injectable()
export class DeploymentReconciler {
  private intents: WorkloadIntent[] = [];
  private known = new Set<string>();
  /** Sites in trouble as of the current pass: what was seen there, since when, lost or not. */
  private troubled = new Map<string, SiteTrouble & { observable: boolean }>();

  constructor(
    private readonly store: DesiredStateStore,
    private readonly planner: PlannerService,
    private readonly fleet: ClusterFleet,
    private readonly rollouts: RolloutController,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get plan(): Plan {
    return this.planner.current;
  }

  /** When a site in trouble becomes lost, if one is: the loop runs a pass right then. */
  nextLossAt(now: number): number | undefined {
    return this.planner.nextLossAt(now);
  }

  async pass(now: number): Promise<PassResult> {
    const deployments = this.store.list();
    this.forgetDeleted(deployments);
    const outcome = await this.planner.plan(
      deployments.map((d) => ({ spec: d.spec, versions: this.rollouts.versionsToPlan(d.spec) })),
      (siteId) => this.fleet.polisRequests(siteId),
      now,
    );
    this.troubled = this.troubledSites(now);
    const context = this.renderContext(deployments, outcome.specs);
    this.advanceRollouts(deployments, outcome, context, now);

    const planned = intentsFromPlan(outcome.plan, (id, site) => this.versionOf(deployments, id, site));
    const plannedRender = renderIntents(planned, context);
    const intents = withDraining(planned, this.intents, {
      isReady: (intent) => this.observe(intent, plannedRender).ready,
      isReachable: (siteId) => !outcome.frozenSites.has(siteId),
    });
    const rendered = renderIntents(intents, context);
    await this.fleet.sync(rendered.objectsBySite, outcome.frozenSites);
    this.intents = intents;
    return { outcome, statuses: this.statuses(deployments, outcome, rendered) };
  }

  /** Each rollout moves on from what the clusters say about the versions it gave so far. */
  private advanceRollouts(
    deployments: readonly DeploymentRecord[],
    outcome: PlanOutcome,
    context: RenderContext,
    now: number,
  ): void {
    const current = intentsFromPlan(outcome.plan, (id, site) => this.versionOf(deployments, id, site));
    const rendered = renderIntents(current, context);
    const ready = new Set(current.filter((i) => this.observe(i, rendered).ready).map(workloadKey));
    for (const record of deployments) {
      const { id } = record.spec;
      if (outcome.blocked.has(id)) continue;
      const toVersion = this.rollouts.prepare(record.spec, targetsOf(outcome.plan, id), now).toVersion;
      this.rollouts.advance(record.spec, {
        targets: targetsOf(outcome.plan, id),
        now,
        latencySloMs: outcome.specs.find((s) => s.id === id)?.latencySloMs,
        isReady: (siteId) =>
          current
            .filter((i) => i.deploymentId === id && i.targetSiteId === siteId)
            .every((i) => i.version === toVersion && ready.has(workloadKey(i))),
      });
    }
  }

  /** The version the workloads serving `siteId` run for deployment `id` (during a rollout, per site). */
  servingVersion(id: string, siteId: string): string {
    return this.versionOf(this.store.list(), id, siteId);
  }

  private versionOf(deployments: readonly DeploymentRecord[], id: string, siteId: string): string {
    const record = deployments.find((d) => d.spec.id === id);
    return this.rollouts.versionFor(id, record?.spec.model.version ?? '', siteId);
  }

  private renderContext(
    deployments: readonly DeploymentRecord[],
    specs: readonly DeploymentSpec[],
  ): RenderContext {
    const byId = new Map(specs.map((s) => [s.id, s]));
    const records = new Map(deployments.map((d) => [d.spec.id, d]));
    return {
      subjectPrefix: this.config.nats.subjectPrefix,
      runner: this.config.deployments.runner,
      publicUrl: this.config.deployments.publicUrl,
      model: (name, version): ModelRequirements | undefined => this.planner.requirements(name, version),
      deployment: (id) => {
        const spec = byId.get(id);
        const record = records.get(id);
        return spec && record
          ? { modelName: record.spec.model.name, resources: spec.resources, spec: record.spec }
          : undefined;
      },
    };
  }

  private troubledSites(now: number): Map<string, SiteTrouble & { observable: boolean }> {
    const troubled = new Map<string, SiteTrouble & { observable: boolean }>();
    for (const [siteId, view] of this.planner.liveness(now)) {
      if (view.reason === undefined) continue;
      troubled.set(siteId, {
        reason: view.reason,
        since: view.since,
        lost: view.lost,
        observable: view.condition !== 'unobservable' && view.condition !== 'unchecked',
      });
    }
    return troubled;
  }

  private observe(intent: WorkloadIntent, rendered: RenderedIntents): WorkloadObservation {
    const trouble = this.troubled.get(intent.siteId);
    const observation = this.observeLive(intent, rendered);
    if (trouble && !trouble.observable) {
      // The informers' last view of an unobservable site is not evidence of now: never call it Ready.
      const unobserved = { reason: trouble.reason, since: trouble.since, lost: trouble.lost };
      return { ...observation, ready: false, unobserved };
    }
    // A site that answers again is seen only once the watches of Polis's objects are back (relisted): until
    // then their cache is what was seen before the trouble, and a copy must not leave on its word.
    if (this.fleet.get(intent.siteId)?.watching() === false)
      return {
        ...observation,
        ready: false,
        unobserved: {
          reason: 'its Polis objects are not watched (watch failed, or not listed again yet)',
          lost: false,
        },
      };
    return observation;
  }

  private observeLive(intent: WorkloadIntent, rendered: RenderedIntents): WorkloadObservation {
    const key = workloadKey(intent);
    const error = rendered.errors.get(key);
    const name = rendered.workloadNames.get(key);
    const live = name === undefined ? undefined : this.fleet.deployment(intent.siteId, name);
    if (!live) {
      const failures = this.fleet.get(intent.siteId)?.failures() ?? [];
      const applyError = name === undefined ? undefined : failures.find((f) => f.key.endsWith(`/${name}`));
      return { intent, exists: false, ready: false, readyReplicas: 0, error: error ?? applyError?.message };
    }
    const version = live.spec?.template.metadata?.annotations?.[ANNOTATION_MODEL_VERSION];
    const current = version === intent.version && live.spec?.replicas === intent.replicas;
    return {
      intent,
      exists: true,
      ready: current && isRolledOut(live),
      readyReplicas: version === intent.version ? (live.status?.readyReplicas ?? 0) : 0,
      error,
    };
  }

  private statuses(
    deployments: readonly DeploymentRecord[],
    outcome: PlanOutcome,
    rendered: RenderedIntents,
  ): PassResult['statuses'] {
    const { plan } = outcome;
    return deployments.map((record) => {
      const id = record.spec.id;
      const workloads = this.intents
        .filter((i) => i.deploymentId === id)
        .map((intent) => ({
          ...this.observe(intent, rendered),
          offloadReason: plan.assignments.find(
            (a) =>
              a.deploymentId === id && a.targetSiteId === intent.targetSiteId && a.siteId === intent.siteId,
          )?.offloadReason,
        }));
      const status = deriveStatus({
        replicasPerSite: record.spec.replicasPerSite,
        targets: targetsOf(plan, id),
        workloads,
        unplaced: plan.unplaced.filter((u) => u.deploymentId === id),
        rollout: this.rollouts.state(id),
        troubledSites: this.troubled,
        blocked:
          outcome.blocked.get(id) ??
          (outcome.error === undefined ? undefined : `placement failed: ${outcome.error}`),
      });
      return { record, status };
    });
  }

  /** A deleted deployment's rollout and heartbeats go with it (its objects are pruned by the sync). */
  private forgetDeleted(deployments: readonly DeploymentRecord[]): void {
    const live = new Set(deployments.map((d) => d.spec.id));
    for (const id of this.known) if (!live.has(id)) this.rollouts.forget(id);
    this.known = live;
  }
}

/** Every target site of a deployment in the plan, placed or not, sorted. */
export function targetsOf(plan: Pick<Plan, 'assignments' | 'unplaced'>, deploymentId: string): string[] {
  const targets = new Set<string>();
  for (const a of plan.assignments) if (a.deploymentId === deploymentId) targets.add(a.targetSiteId);
  for (const u of plan.unplaced)
    if (u.deploymentId === deploymentId && u.targetSiteId !== null) targets.add(u.targetSiteId);
  return [...targets].sort();
}
