import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NodeInventory } from '@polis/kube';
import {
  diffPlans,
  plan,
  PlacementInputError,
  replanAfterSiteLoss,
  type DeploymentSpec,
  type Plan,
  type PlanInput,
  type Resources,
} from '@polis/placement';
import { APP_CONFIG, type AppConfig } from '../config';
import { SiteMonitor, SiteRegistry } from '../sites';
import { buildInventory, type SiteSnapshot } from './fleet-inventory';
import { ModelCatalog } from './model-catalog';
import type { ModelRequirements } from './model-profile';
import { placementDeployments, type PlannableDeployment } from './placement-input';
import { classify, SiteLiveness, type SiteLivenessView } from './site-liveness';

export interface PlanOutcome {
  plan: Plan;
  /** The deployments as planned (resources and SLO filled in from the models). */
  specs: DeploymentSpec[];
  /** Deployments that could not be planned, with why. */
  blocked: Map<string, string>;
  /** Sites in trouble for longer than the grace period: their replicas fail over. */
  lostSites: ReadonlySet<string>;
  /**
   * Sites whose clusters must not be changed: in trouble (unreachable, or no node Ready), or not checked
   * yet since this process started (what runs there is not known).
   */
  frozenSites: ReadonlySet<string>;
  /** False when the inputs were those of the previous plan, which is returned as is. */
  replanned: boolean;
  /** How the plan was made, for the event log. */
  trigger: 'full' | `site-loss:${string}` | 'unchanged';
  moved: number;
  /** Why planning failed (bad input); the previous plan is kept. */
  error?: string;
}

const EMPTY_PLAN: Plan = {
  assignments: [],
  unplaced: [],
  preemptions: [],
  stats: { requested: 0, placed: 0, offloaded: 0, unplaced: 0, retained: 0, preempted: 0 },
};

/**
 * Turns the fleet as the registry and the monitor see it, and the deployments, into a plan. Keeps the
 * previous plan so the engine moves as little as possible, tracks which sites are lost (in trouble beyond
 * the grace period), and while a site is in trouble but not yet lost, plans with its last healthy view so
 * a blip moves nothing.
 */
@Injectable()
export class PlannerService {
  private readonly logger = new Logger(PlannerService.name);
  private readonly siteLiveness: SiteLiveness;
  private readonly lastHealthyNodes = new Map<string, NodeInventory[]>();
  private previous: Plan = EMPTY_PLAN;
  private previousFingerprint?: string;
  private previousLost = new Set<string>();

  constructor(
    private readonly registry: SiteRegistry,
    private readonly monitor: SiteMonitor,
    private readonly catalog: ModelCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.siteLiveness = new SiteLiveness(config.deployments.siteLossGraceMs);
  }

  get current(): Plan {
    return this.previous;
  }

  /** When a site in trouble becomes lost, if one is: the caller plans again then. */
  nextLossAt(now: number): number | undefined {
    return this.siteLiveness.nextLossAt(now);
  }

  inTrouble(siteId: string): boolean {
    return this.siteLiveness.inTrouble(siteId);
  }

  /** What Polis can say of each registered site as of the last plan: condition, lost, what was seen since when. */
  liveness(now: number): Map<string, SiteLivenessView> {
    return new Map(
      this.registry.list().map(({ site }) => [site.id, this.siteLiveness.view(site.id, now)] as const),
    );
  }

  /** What a model version needs, once a plan has loaded it. */
  requirements(name: string, version: string): ModelRequirements | undefined {
    return this.catalog.requirements(name, version);
  }

  async plan(
    deployments: readonly PlannableDeployment[],
    polisRequests: (siteId: string) => ReadonlyMap<string, Resources>,
    now: number,
  ): Promise<PlanOutcome> {
    await this.catalog.load(
      deployments.flatMap(({ spec, versions }) =>
        versions.map((version) => ({ name: spec.model.name, version })),
      ),
    );
    const { specs, blocked } = placementDeployments(deployments, (name, version) =>
      this.catalog.requirements(name, version),
    );
    const all = this.snapshots(polisRequests, now);
    // A site never checked has no inventory yet: planning it would offload everything it runs.
    const snapshots = all.filter((s) => s.state !== 'pending');
    const lostSites = new Set(snapshots.filter((s) => s.lost).map((s) => s.id));
    const frozenSites = new Set(
      all.filter((s) => s.state === 'pending' || this.siteLiveness.inTrouble(s.id)).map((s) => s.id),
    );
    const input: PlanInput = {
      inventory: buildInventory(snapshots, {
        defaultRttToCentralMs: this.config.deployments.defaultRttToCentralMs,
      }),
      deployments: specs,
    };
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    if (fingerprint === this.previousFingerprint)
      return {
        plan: this.previous,
        specs,
        blocked,
        lostSites,
        frozenSites,
        replanned: false,
        trigger: 'unchanged',
        moved: 0,
      };
    const newlyLost = [...lostSites].filter((id) => !this.previousLost.has(id));
    const trigger: PlanOutcome['trigger'] =
      newlyLost.length === 1 && this.previous.assignments.length > 0 ? `site-loss:${newlyLost[0]}` : 'full';
    let next: Plan;
    try {
      next =
        trigger === 'full'
          ? plan({ ...input, previousPlan: this.previous })
          : replanAfterSiteLoss(this.previous, input, newlyLost[0]);
    } catch (error) {
      const message =
        error instanceof PlacementInputError
          ? error.issues.join('; ')
          : error instanceof Error
            ? error.message
            : String(error);
      this.logger.error({ event: 'plan-failed', error: message });
      return {
        plan: this.previous,
        specs,
        blocked,
        lostSites,
        frozenSites,
        replanned: false,
        trigger,
        moved: 0,
        error: message,
      };
    }
    const diff = diffPlans(this.previous, next);
    this.previous = next;
    this.previousFingerprint = fingerprint;
    this.previousLost = lostSites;
    return {
      plan: next,
      specs,
      blocked,
      lostSites,
      frozenSites,
      replanned: true,
      trigger,
      moved: diff.moved.length,
    };
  }

  private snapshots(
    polisRequests: (siteId: string) => ReadonlyMap<string, Resources>,
    now: number,
  ): SiteSnapshot[] {
    const records = this.registry.list();
    const known = new Set(records.map((r) => r.site.id));
    for (const id of this.lastHealthyNodes.keys())
      if (!known.has(id)) {
        this.lastHealthyNodes.delete(id);
        this.siteLiveness.forget(id);
      }
    return records.map(({ site }) => {
      const status = this.monitor.status(site.id);
      this.siteLiveness.observe(site.id, status, now);
      const { condition } = classify(status);
      const troubled = condition === 'unobservable' || condition === 'no-ready-node';
      if (!troubled && status.inventory) this.lastHealthyNodes.set(site.id, status.inventory);
      return {
        id: site.id,
        kind: site.kind,
        zone: site.zone,
        labels: site.labels,
        state: status.state,
        nodes: (troubled ? this.lastHealthyNodes.get(site.id) : undefined) ?? status.inventory ?? [],
        lost: this.siteLiveness.isLost(site.id, now),
        polisRequested: polisRequests(site.id),
      };
    });
  }
}
