import { BinaryHeap } from './binary-heap';
import type { CompiledDeployment, Fleet, NodeSlot, Placement, Request, SiteSlot } from './fleet';
import { formatDimension, dimensionsOf } from './format';
import { addToFreed, emptyFreed, fits, loadAfter, release, reserve } from './ledger';
import type { Assignment, Preemption, ReasonCode, UnplacedRequest } from './model';
import { describeShortage, type Candidate, type Rejection, type Stage } from './screening';
import { StageBook, mayOffload } from './stage-book';

/** Processing order: priority first (higher earlier), then the stable ids. */
export function compareRequests(a: Request, b: Request): number {
  return (
    b.deployment.spec.priority - a.deployment.spec.priority ||
    a.deployment.index - b.deployment.index ||
    a.target.index - b.target.index ||
    a.replica - b.replica
  );
}

interface Eviction {
  readonly candidate: Candidate;
  readonly victims: readonly Placement[];
  readonly highestVictimPriority: number;
}

interface MutableUnplaced {
  readonly request: Request;
  readonly replicas: number[];
  readonly code: ReasonCode;
  readonly reason: string;
}

const POLICY_CENTRAL: Rejection = { code: 'policy-central', reason: 'policy is central' };

/**
 * The mutable state of one planning run: the capacity ledger (inside the node slots), the placements made so
 * far, and a priority queue of requests still to place. Requests pop in non-increasing priority order
 * (evicted victims are re-queued but are always lower than the request that evicted them), which is what
 * makes "a higher priority is never left unplaced while a lower one holds what it needs" hold.
 */
export class PlacementRun {
  readonly placements = new Map<number, Placement>();
  readonly preemptions: Preemption[] = [];
  /** Placements carried over unchanged from the previous plan (and not preempted since). */
  readonly retained = new Set<Placement>();
  private readonly unplaced = new Map<string, MutableUnplaced>();
  private readonly preemptedBy = new Map<number, string>();
  /** A previous node to prefer when a request falls back to central again. */
  private readonly hints = new Map<number, NodeSlot>();
  private readonly queue = new BinaryHeap<Request>(compareRequests);
  private readonly stages: StageBook;
  /** Bumped on every reservation or release, to know when a remembered failure still holds. */
  private version = 0;
  /** Stages where preemption was found impossible for a deployment (central stages are shared by targets). */
  private readonly noPreemption = new Map<
    Stage,
    { readonly deployment: CompiledDeployment; readonly version: number }
  >();
  private lastFailure?: {
    readonly deployment: CompiledDeployment;
    readonly target: SiteSlot;
    readonly version: number;
    readonly rejection: Rejection;
  };

  constructor(fleet: Fleet) {
    this.stages = new StageBook(fleet);
  }

  /** Keeps a previous assignment when it is still admissible and fits; reports whether it was kept. */
  tryRetain(request: Request, slot: NodeSlot, previous: Assignment): boolean {
    const edge = this.stages.edgeStage(request);
    const stage =
      slot.site === request.target
        ? edge
        : this.stages.centralStages(request).find((s) => s.site === slot.site);
    const candidate = stage?.candidates.find((c) => c.slot === slot);
    if (stage === undefined || candidate === undefined) return false;
    if (stage.offloaded && edge !== undefined && edge.candidates.length > 0) {
      // The target site can host this model again (it is back, or its nodes changed): go home, unless the
      // offload was for lack of room, which would just flap; keep the old node as the fallback.
      if (previous.offloadCode !== 'insufficient-resources') {
        this.hints.set(request.key, slot);
        return false;
      }
    }
    if (!fits(slot, request.deployment.demand)) return false;
    let offload: Rejection | undefined;
    if (stage.offloaded) {
      const kept =
        previous.offloadCode !== undefined && previous.offloadReason !== undefined
          ? { code: previous.offloadCode, reason: previous.offloadReason }
          : undefined;
      offload =
        edge === undefined
          ? POLICY_CENTRAL
          : (edge.rejection ?? kept ?? describeShortage(request.deployment, edge));
    }
    this.retained.add(this.commit(request, { candidate, stage, offload }));
    return true;
  }

  /**
   * Books a previous assignment without re-checking it: for incremental re-plans where the caller knows
   * nothing about its node changed. `offload` replaces the recorded offload reason when it went stale.
   */
  adopt(request: Request, slot: NodeSlot, previous: Assignment, offload?: Rejection): void {
    const source: Assignment =
      offload === undefined
        ? previous
        : { ...previous, offloadCode: offload.code, offloadReason: offload.reason };
    const placement: Placement = {
      request,
      slot,
      offloaded: previous.offloaded,
      offloadCode: source.offloadCode,
      offloadReason: source.offloadReason,
      latencyMs: previous.estimatedLatencyMs,
      source,
    };
    reserve(slot, request.deployment.demand);
    this.version++;
    slot.residents.add(placement);
    this.placements.set(request.key, placement);
    this.retained.add(placement);
  }

  enqueue(request: Request): void {
    this.queue.push(request);
  }

  drain(): void {
    for (let request = this.queue.pop(); request !== undefined; request = this.queue.pop()) {
      this.place(request);
    }
  }

  private recordUnplaced(request: Request, rejection: Rejection): void {
    const preempted = this.preemptedBy.get(request.key);
    const reason = preempted === undefined ? rejection.reason : `${preempted}; ${rejection.reason}`;
    const group = `${request.deployment.index}\u0000${request.target.index}\u0000${rejection.code}\u0000${reason}`;
    const existing = this.unplaced.get(group);
    if (existing !== undefined) existing.replicas.push(request.replica);
    else this.unplaced.set(group, { request, replicas: [request.replica], code: rejection.code, reason });
  }

  unplacedRequests(): UnplacedRequest[] {
    return [...this.unplaced.values()]
      .sort((a, b) => compareByIds(a.request, b.request) || a.replicas[0] - b.replicas[0])
      .map(({ request, replicas, code, reason }) => ({
        deploymentId: request.deployment.spec.id,
        targetSiteId: request.target.site.id,
        replicas: replicas.sort((a, b) => a - b),
        code,
        reason,
      }));
  }

  private place(request: Request): void {
    const last = this.lastFailure;
    if (
      last?.deployment === request.deployment &&
      last.target === request.target &&
      last.version === this.version
    ) {
      // Nothing changed since the previous replica of this (deployment, target) failed: this one fails too.
      this.recordUnplaced(request, last.rejection);
      return;
    }
    const deployment = request.deployment;
    const edge = this.stages.edgeStage(request);
    const centrals = this.stages.centralStages(request);
    const hint = this.hints.get(request.key);

    if (edge !== undefined) {
      const candidate = chooseNode(edge, deployment, hint);
      if (candidate !== undefined) {
        this.commit(request, { candidate, stage: edge });
        return;
      }
    }
    const offload =
      edge === undefined ? POLICY_CENTRAL : (edge.rejection ?? describeShortage(deployment, edge));
    for (const stage of centrals) {
      const candidate = chooseNode(stage, deployment, hint);
      if (candidate !== undefined) {
        this.commit(request, { candidate, stage, offload });
        return;
      }
    }
    // Preemption is the last resort: offloading to a central site with room disturbs nobody.
    for (const stage of edge === undefined ? centrals : [edge, ...centrals]) {
      const known = this.noPreemption.get(stage);
      if (known?.deployment === deployment && known.version === this.version) continue;
      const eviction = choosePreemption(stage, request);
      if (eviction === undefined) this.noPreemption.set(stage, { deployment, version: this.version });
      else {
        for (const victim of eviction.victims) this.evict(victim, request);
        this.commit(request, {
          candidate: eviction.candidate,
          stage,
          offload: stage.offloaded ? offload : undefined,
        });
        return;
      }
    }
    const rejection = this.failure(request, edge, centrals);
    this.lastFailure = { deployment, target: request.target, version: this.version, rejection };
    this.recordUnplaced(request, rejection);
  }

  private failure(request: Request, edge: Stage | undefined, centrals: readonly Stage[]): Rejection {
    const deployment = request.deployment;
    const atEdge = edge === undefined ? undefined : (edge.rejection ?? describeShortage(deployment, edge));
    if (!mayOffload(request)) return atEdge ?? { code: 'no-central-site', reason: 'no central site exists' };
    const none =
      request.target.site.kind === 'central' ? 'no other central site exists' : 'no central site exists';
    let central: Rejection = { code: 'no-central-site', reason: none };
    if (centrals.length > 0) {
      const reasons = centrals.map((stage) => stage.rejection ?? describeShortage(deployment, stage));
      central = { code: reasons[0].code, reason: reasons.map((r) => r.reason).join('; ') };
    }
    if (atEdge === undefined) return central;
    return { code: atEdge.code, reason: `${atEdge.reason}; central fallback: ${central.reason}` };
  }

  private commit(
    request: Request,
    at: { candidate: Candidate; stage: Stage; offload?: Rejection },
  ): Placement {
    const { candidate, stage, offload } = at;
    const placement: Placement = {
      request,
      slot: candidate.slot,
      offloaded: stage.offloaded,
      offloadCode: stage.offloaded ? offload?.code : undefined,
      offloadReason: stage.offloaded ? offload?.reason : undefined,
      latencyMs: candidate.latencyMs,
    };
    reserve(candidate.slot, request.deployment.demand);
    this.version++;
    candidate.slot.residents.add(placement);
    this.placements.set(request.key, placement);
    return placement;
  }

  private evict(victim: Placement, preemptor: Request): void {
    const slot = victim.slot;
    release(slot, victim.request.deployment.demand);
    this.version++;
    slot.residents.delete(victim);
    this.placements.delete(victim.request.key);
    this.retained.delete(victim);
    const by = preemptor.deployment.spec;
    const victimSpec = victim.request.deployment.spec;
    const needs = dimensionsOf(preemptor.deployment.demand)
      .map((dim) => formatDimension(dim, preemptor.deployment.demand))
      .join(', ');
    const reason =
      `evicted from ${slot.node.name} at ${slot.site.site.id} for ${by.id} (priority ${by.priority} > ` +
      `${victimSpec.priority}), which needs ${needs} there for site ${preemptor.target.site.id}`;
    this.preemptions.push({
      victim: { ...replicaRef(victim.request), siteId: slot.site.site.id, nodeName: slot.node.name },
      preemptor: replicaRef(preemptor),
      reason,
    });
    this.preemptedBy.set(victim.request.key, `preempted by ${by.id} (priority ${by.priority})`);
    this.queue.push(victim.request);
  }
}

function compareByIds(a: Request, b: Request): number {
  return a.deployment.index - b.deployment.index || a.target.index - b.target.index;
}

function replicaRef(request: Request): Preemption['preemptor'] {
  return {
    deploymentId: request.deployment.spec.id,
    targetSiteId: request.target.site.id,
    replica: request.replica,
    priority: request.deployment.spec.priority,
  };
}

/** Spread: least loaded after placing; pack: most loaded that still fits. Ties keep the stable node order. */
function chooseNode(stage: Stage, deployment: CompiledDeployment, hint?: NodeSlot): Candidate | undefined {
  const demand = deployment.demand;
  if (hint !== undefined && hint.site === stage.site) {
    const preferred = stage.candidates.find((c) => c.slot === hint);
    if (preferred !== undefined && fits(hint, demand)) return preferred;
  }
  const pack = deployment.spec.strategy === 'pack';
  let best: Candidate | undefined;
  let bestLoad = 0;
  for (const candidate of stage.candidates) {
    if (!fits(candidate.slot, demand)) continue;
    const load = loadAfter(candidate.slot, demand);
    if (best === undefined || (pack ? load > bestLoad : load < bestLoad)) {
      best = candidate;
      bestLoad = load;
    }
  }
  return best;
}

/**
 * Finds the node where evicting strictly lower-priority replicas makes room at the least cost: the lowest
 * highest-victim priority, then the fewest victims, then the stable node order. Victims are taken lowest
 * priority first, then any victim whose eviction turns out unnecessary is spared (as kube-scheduler does).
 */
function choosePreemption(stage: Stage, request: Request): Eviction | undefined {
  const demand = request.deployment.demand;
  const priority = request.deployment.spec.priority;
  let best: Eviction | undefined;
  for (const candidate of stage.candidates) {
    // Cheap test first (no allocation per resident): would evicting every lower priority be enough?
    const freed = emptyFreed();
    let lowerCount = 0;
    for (const resident of candidate.slot.residents) {
      if (resident.request.deployment.spec.priority >= priority) continue;
      addToFreed(freed, resident.request.deployment.demand);
      lowerCount++;
    }
    if (lowerCount === 0 || !fits(candidate.slot, demand, freed)) continue;
    const lower = [...candidate.slot.residents]
      .filter((p) => p.request.deployment.spec.priority < priority)
      .sort((a, b) => compareRequests(b.request, a.request));

    const chosen: Placement[] = [];
    const needed = emptyFreed();
    for (const victim of lower) {
      if (fits(candidate.slot, demand, needed)) break;
      chosen.push(victim);
      addToFreed(needed, victim.request.deployment.demand);
    }
    const victims = chosen.reverse().filter((victim) => {
      addToFreed(needed, victim.request.deployment.demand, -1);
      if (fits(candidate.slot, demand, needed)) return false;
      addToFreed(needed, victim.request.deployment.demand);
      return true;
    });
    const highest = Math.max(...victims.map((v) => v.request.deployment.spec.priority));
    const better =
      best === undefined ||
      highest < best.highestVictimPriority ||
      (highest === best.highestVictimPriority && victims.length < best.victims.length);
    if (better) best = { candidate, victims, highestVictimPriority: highest };
  }
  return best;
}
