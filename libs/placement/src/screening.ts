import type { CompiledDeployment, Demand, NodeSlot, SiteSlot } from './fleet';
import { dimensionsOf, formatBytes, formatCpu, formatDimension, type Dimension } from './format';
import { estimateEndToEndMs, estimateInferenceMs, formatMs } from './latency';
import type { ReasonCode } from './model';
import { formatLabels, formatTaint, matchesLabels, untoleratedTaint } from './predicates';

export interface Rejection {
  readonly code: ReasonCode;
  readonly reason: string;
}

/**
 * Nodes of one site that pass every check that does not depend on current load or on the target's RTT:
 * reachability, readiness, node selector, taints, model memory. Filters run in that order and the first one
 * that leaves no node names the reason, so the message points at the most fundamental problem.
 */
export interface StaticScreen {
  readonly nodes: readonly NodeSlot[];
  readonly rejection?: Rejection;
}

export interface Candidate {
  readonly slot: NodeSlot;
  readonly latencyMs: number;
}

/** A site as a place for one request: its admissible nodes with their latency, or why there are none. */
export interface Stage {
  readonly site: SiteSlot;
  readonly offloaded: boolean;
  readonly candidates: readonly Candidate[];
  readonly rejection?: Rejection;
}

const reject = (code: ReasonCode, reason: string): StaticScreen => ({
  nodes: [],
  rejection: { code, reason },
});

export function screenStatic(deployment: CompiledDeployment, site: SiteSlot): StaticScreen {
  const id = site.site.id;
  const spec = deployment.spec;
  if (!site.reachable) return reject('site-unreachable', `site ${id} is unreachable`);
  if (site.nodes.length === 0) return reject('no-nodes', `site ${id} has no nodes`);

  const ready = site.nodes.filter((slot) => slot.node.ready);
  if (ready.length === 0) return reject('node-not-ready', `no node at ${id} is ready`);

  const selected = ready.filter((slot) => matchesLabels(slot.node.labels, spec.nodeSelector));
  if (selected.length === 0) {
    const selector = formatLabels(spec.nodeSelector ?? {});
    return reject('node-selector', `node selector ${selector} matches no ready node at ${id}`);
  }

  const tolerations = spec.tolerations ?? [];
  const tolerated = selected.filter((slot) => untoleratedTaint(slot.node.taints, tolerations) === undefined);
  if (tolerated.length === 0) {
    const example = selected[0];
    const taint = untoleratedTaint(example.node.taints, tolerations);
    const shown = taint === undefined ? '' : ` (e.g. ${example.node.name} has ${formatTaint(taint)})`;
    return reject(
      'taint',
      `every eligible node at ${id} has a taint the deployment does not tolerate${shown}`,
    );
  }

  const peak = spec.profile.peakMemoryBytes;
  const roomy = tolerated.filter((slot) => memoryForPolis(slot) >= peak);
  if (roomy.length === 0) {
    const largest = Math.max(...tolerated.map(memoryForPolis));
    const model = `${spec.model.name}@${spec.model.version}`;
    return reject(
      'model-memory',
      `model ${model} needs ${formatBytes(peak)} at peak but the largest eligible node at ${id} has ` +
        `${formatBytes(largest)} memory available`,
    );
  }
  return { nodes: roomy };
}

function memoryForPolis(slot: NodeSlot): number {
  return slot.capacityMemory - slot.node.requested.memoryBytes;
}

export function inferenceMsOn(deployment: CompiledDeployment, slot: NodeSlot): number {
  return estimateInferenceMs(deployment.spec.profile.flopsPerInference, slot.gflops);
}

/**
 * Keeps the nodes whose estimated end-to-end latency meets the deployment's SLO. `offloadRttMs` is the
 * target's RTT to the central site when the replica would run there, undefined when it runs at its own
 * target site (sensor data is local, so only inference time counts).
 */
export function screenLatency(
  deployment: CompiledDeployment,
  screen: StaticScreen,
  site: SiteSlot,
  offloadRttMs: number | undefined,
): Stage {
  const offloaded = offloadRttMs !== undefined;
  const rttMs = offloadRttMs ?? 0;
  if (screen.rejection !== undefined) return { site, offloaded, candidates: [], rejection: screen.rejection };
  const candidates: Candidate[] = [];
  let fastest = screen.nodes[0];
  for (const slot of screen.nodes) {
    const latencyMs = estimateEndToEndMs(inferenceMsOn(deployment, slot), rttMs);
    if (latencyMs <= deployment.sloMs) candidates.push({ slot, latencyMs });
    if (slot.gflops > fastest.gflops) fastest = slot;
  }
  if (candidates.length > 0) return { site, offloaded, candidates };
  const inference = inferenceMsOn(deployment, fastest);
  const onNode = `on ${fastest.node.name} at ${fastest.gflops} GFLOPS`;
  const estimate = offloaded
    ? `estimated ${formatMs(inference + rttMs)} (RTT ${formatMs(rttMs)} + inference ${formatMs(inference)} ${onNode})`
    : `estimated inference ${formatMs(inference)} ${onNode}`;
  const reason = `${estimate} exceeds the ${formatMs(deployment.sloMs)} SLO at ${site.site.id}`;
  return { site, offloaded, candidates: [], rejection: { code: 'latency-slo', reason } };
}

function freeOf(slot: NodeSlot, dim: Dimension): number {
  if (dim === 'cpu') return slot.freeCpu;
  if (dim === 'memory') return slot.freeMemory;
  return slot.freeAccelerators.get(dim.slice('accelerator:'.length)) ?? 0;
}

function needOf(demand: Demand, dim: Dimension): number {
  if (dim === 'cpu') return demand.cpu;
  if (dim === 'memory') return demand.memory;
  const name = dim.slice('accelerator:'.length);
  return demand.accelerators.find(([n]) => n === name)?.[1] ?? 0;
}

/**
 * Explains why no admissible node has room: names the resources that no node has enough of on its own (or
 * all of them when each exists somewhere but never together), plus the node with the most free CPU.
 */
export function describeShortage(deployment: CompiledDeployment, stage: Stage): Rejection {
  const demand = deployment.demand;
  const dims = dimensionsOf(demand);
  const short = dims.filter((dim) =>
    stage.candidates.every((c) => freeOf(c.slot, dim) < needOf(demand, dim)),
  );
  const named = (short.length > 0 ? short : dims).map((dim) => formatDimension(dim, demand)).join(' and ');
  let most = stage.candidates[0]?.slot;
  for (const { slot } of stage.candidates) if (slot.freeCpu > most.freeCpu) most = slot;
  const hint =
    most === undefined
      ? ''
      : ` (most free: ${most.node.name} with ${formatCpu(Math.max(0, most.freeCpu))}, ` +
        `${formatBytes(most.freeMemory)} memory)`;
  return {
    code: 'insufficient-resources',
    reason: `no eligible node at ${stage.site.site.id} has ${named || 'the requested resources'} free${hint}`,
  };
}
