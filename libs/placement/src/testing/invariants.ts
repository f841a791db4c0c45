/**
 * An independent checker for plans, used by the property tests. It re-derives every hard constraint from
 * the spec text with its own straightforward code (no engine internals), so a bug in the engine's filters
 * is not mirrored here.
 */
import type {
  Assignment,
  DeploymentSpec,
  FleetNode,
  Plan,
  PlanInput,
  Site,
  Taint,
  Toleration,
} from '../model';

const EPSILON = 1e-9;

function selected(site: Site, spec: DeploymentSpec): boolean {
  const t = spec.targets;
  if (t.ids && !t.ids.includes(site.id)) return false;
  if (t.kinds && !t.kinds.includes(site.kind)) return false;
  if (t.zones && !t.zones.includes(site.zone)) return false;
  return Object.entries(t.labels ?? {}).every(([k, v]) => site.labels[k] === v);
}

function toleratedBy(taint: Taint, tolerations: readonly Toleration[]): boolean {
  if (taint.effect === 'PreferNoSchedule') return true;
  return tolerations.some((t) => {
    const effectOk = t.effect === undefined || t.effect === taint.effect;
    if (!effectOk) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

export function memoryDemand(spec: DeploymentSpec): number {
  return Math.max(spec.resources.memoryBytes, spec.profile.peakMemoryBytes);
}

/** Every load-independent reason a node may not run a replica of `spec` for `target`. */
export function nodeAdmits(spec: DeploymentSpec, target: Site, runSite: Site, node: FleetNode): boolean {
  if (runSite.health === 'unreachable' || !node.ready) return false;
  const local = runSite.id === target.id;
  switch (spec.policy) {
    case 'edge-only':
      if (!local) return false;
      break;
    case 'edge-preferred':
      if (!local && runSite.kind !== 'central') return false;
      break;
    case 'central':
      if (runSite.kind !== 'central') return false;
      break;
  }
  if (!Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => node.labels[k] === v)) return false;
  if (!node.taints.every((taint) => toleratedBy(taint, spec.tolerations ?? []))) return false;
  if (node.allocatable.memoryBytes - node.requested.memoryBytes < spec.profile.peakMemoryBytes) return false;
  const gflops = node.cpuGflops ?? 20;
  const latency = spec.profile.flopsPerInference / (gflops * 1e6) + (local ? 0 : target.rttToCentralMs);
  return latency <= (spec.latencySloMs ?? Infinity) + EPSILON;
}

interface Usage {
  cpu: number;
  memory: number;
  accelerators: Map<string, number>;
}

function usageOf(node: FleetNode): Usage {
  return {
    cpu: node.requested.cpuMillicores,
    memory: node.requested.memoryBytes,
    accelerators: new Map(Object.entries(node.requested.accelerators ?? {})),
  };
}

function add(usage: Usage, spec: DeploymentSpec, sign = 1): void {
  usage.cpu += sign * spec.resources.cpuMillicores;
  usage.memory += sign * memoryDemand(spec);
  for (const [name, count] of Object.entries(spec.resources.accelerators ?? {})) {
    usage.accelerators.set(name, (usage.accelerators.get(name) ?? 0) + sign * count);
  }
}

function fitsIn(node: FleetNode, usage: Usage): boolean {
  if (usage.cpu > node.allocatable.cpuMillicores || usage.memory > node.allocatable.memoryBytes) return false;
  for (const [name, used] of usage.accelerators) {
    if (used > 0 && used > (node.allocatable.accelerators?.[name] ?? 0)) return false;
  }
  return true;
}

const keyOf = (deploymentId: string, targetSiteId: string, replica: number): string =>
  `${deploymentId}|${targetSiteId}|${replica}`;

export interface PlanIndex {
  readonly sites: ReadonlyMap<string, Site>;
  readonly specs: ReadonlyMap<string, DeploymentSpec>;
  readonly nodes: ReadonlyMap<string, { site: Site; node: FleetNode }>;
  readonly byNode: ReadonlyMap<string, Assignment[]>;
}

export function indexPlan(input: PlanInput, plan: Plan): PlanIndex {
  const nodes = new Map<string, { site: Site; node: FleetNode }>();
  for (const site of input.inventory.sites)
    for (const node of site.nodes) nodes.set(`${site.id}/${node.name}`, { site, node });
  const byNode = new Map<string, Assignment[]>();
  for (const a of plan.assignments) {
    const key = `${a.siteId}/${a.nodeName}`;
    byNode.set(key, [...(byNode.get(key) ?? []), a]);
  }
  return {
    sites: new Map(input.inventory.sites.map((s) => [s.id, s])),
    specs: new Map(input.deployments.map((d) => [d.id, d])),
    nodes,
    byNode,
  };
}

/** Returns every violated hard constraint (empty when the plan is sound). */
export function planViolations(input: PlanInput, plan: Plan): string[] {
  const violations: string[] = [];
  const index = indexPlan(input, plan);
  const seen = new Set<string>();
  for (const a of plan.assignments) {
    const spec = index.specs.get(a.deploymentId);
    const target = index.sites.get(a.targetSiteId);
    const placed = index.nodes.get(`${a.siteId}/${a.nodeName}`);
    const key = keyOf(a.deploymentId, a.targetSiteId, a.replica);
    if (!spec || !target || !placed) {
      violations.push(`${key}: unknown deployment, target or node`);
      continue;
    }
    if (seen.has(key)) violations.push(`${key}: placed twice`);
    seen.add(key);
    if (!selected(target, spec) || a.replica >= spec.replicasPerSite)
      violations.push(`${key}: not requested`);
    if (!nodeAdmits(spec, target, placed.site, placed.node))
      violations.push(`${key}: node ${a.nodeName} inadmissible`);
    if (a.offloaded !== (a.siteId !== a.targetSiteId)) violations.push(`${key}: offloaded flag wrong`);
    if (a.offloaded && !a.offloadReason) violations.push(`${key}: offloaded without a reason`);
  }
  for (const [nodeKey, assignments] of index.byNode) {
    const entry = index.nodes.get(nodeKey);
    if (!entry) continue;
    const usage = usageOf(entry.node);
    for (const a of assignments) {
      const spec = index.specs.get(a.deploymentId);
      if (spec) add(usage, spec);
    }
    if (!fitsIn(entry.node, usage)) violations.push(`${nodeKey}: over-committed`);
  }
  const unplacedKeys = plan.unplaced.flatMap((u) =>
    u.targetSiteId === null ? [] : u.replicas.map((r) => keyOf(u.deploymentId, u.targetSiteId ?? '', r)),
  );
  for (const key of unplacedKeys) {
    if (seen.has(key)) violations.push(`${key}: both placed and unplaced`);
    seen.add(key);
  }
  for (const spec of input.deployments) {
    for (const site of input.inventory.sites.filter((s) => selected(s, spec))) {
      for (let r = 0; r < spec.replicasPerSite; r++) {
        if (!seen.has(keyOf(spec.id, site.id, r))) violations.push(`${keyOf(spec.id, site.id, r)}: missing`);
      }
    }
  }
  return violations;
}

/**
 * Unplaced replicas that could have run on some admissible node by evicting strictly lower priorities there
 * (the engine's preemption guarantee).
 */
export function priorityInversions(input: PlanInput, plan: Plan): string[] {
  const index = indexPlan(input, plan);
  const inversions: string[] = [];
  for (const unplaced of plan.unplaced) {
    const spec = index.specs.get(unplaced.deploymentId);
    const target = unplaced.targetSiteId === null ? undefined : index.sites.get(unplaced.targetSiteId);
    if (!spec || !target) continue;
    for (const [nodeKey, { site, node }] of index.nodes) {
      if (!nodeAdmits(spec, target, site, node)) continue;
      const usage = usageOf(node);
      for (const a of index.byNode.get(nodeKey) ?? []) {
        const other = index.specs.get(a.deploymentId);
        if (other && other.priority >= spec.priority) add(usage, other);
      }
      add(usage, spec);
      if (fitsIn(node, usage)) inversions.push(`${spec.id}@${target.id} could run on ${nodeKey}`);
    }
  }
  return inversions;
}
