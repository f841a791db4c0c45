import {
  DEFAULT_NODE_GFLOPS,
  type Assignment,
  type DeploymentSpec,
  type FleetNode,
  type Inventory,
  type ReasonCode,
  type Site,
} from './model';

/**
 * Mutable per-run view of one node: static facts plus the capacity ledger. Free amounts start at
 * allocatable − non-Polis requests (possibly negative: then nothing fits) and shrink as replicas land.
 */
export interface NodeSlot {
  /** Position in the global stable order (sites by id, then nodes by name): the final tie-breaker. */
  readonly index: number;
  readonly site: SiteSlot;
  readonly node: FleetNode;
  readonly gflops: number;
  readonly capacityCpu: number;
  readonly capacityMemory: number;
  freeCpu: number;
  freeMemory: number;
  readonly freeAccelerators: Map<string, number>;
  /** Polis replicas currently on this node (candidates for preemption). */
  readonly residents: Set<Placement>;
}

export interface SiteSlot {
  readonly index: number;
  readonly site: Site;
  readonly reachable: boolean;
  /** Sorted by node name. */
  readonly nodes: readonly NodeSlot[];
  readonly nodesByName: ReadonlyMap<string, NodeSlot>;
}

export interface Fleet {
  /** Sorted by site id. */
  readonly sites: readonly SiteSlot[];
  readonly sitesById: ReadonlyMap<string, SiteSlot>;
  /** Central sites sorted by id; the planner orders them per target (same zone first). */
  readonly centralSites: readonly SiteSlot[];
}

/** What one replica reserves on a node. */
export interface Demand {
  readonly cpu: number;
  readonly memory: number;
  /** Sorted by name; zero counts dropped. */
  readonly accelerators: readonly (readonly [string, number])[];
}

export interface Request {
  /** Dense numeric identity of (deployment, target, replica) within one run; see {@link requestKey}. */
  readonly key: number;
  readonly deployment: CompiledDeployment;
  readonly target: SiteSlot;
  readonly replica: number;
}

export interface Placement {
  readonly request: Request;
  readonly slot: NodeSlot;
  readonly offloaded: boolean;
  readonly offloadCode?: ReasonCode;
  readonly offloadReason?: string;
  readonly latencyMs: number;
  /** The previous plan's assignment when adopted verbatim, so output can reuse it. */
  readonly source?: Assignment;
}

/** Deployment spec with derived values computed once per run. */
export interface CompiledDeployment {
  readonly index: number;
  readonly spec: DeploymentSpec;
  readonly demand: Demand;
  /** Infinity when the spec has no SLO. */
  readonly sloMs: number;
  readonly targets: readonly SiteSlot[];
  readonly targetSet: ReadonlySet<SiteSlot>;
  /** Key space for {@link requestKey}: index × sites × stride, stride = the largest replica count + 1. */
  readonly keyBase: number;
  readonly keyStride: number;
}

/**
 * Numbers rather than strings: the incremental re-plan looks up every previous assignment, and small-integer
 * map keys avoid building and hashing 10⁴ strings per run.
 */
export function requestKey(deployment: CompiledDeployment, target: SiteSlot, replica: number): number {
  return deployment.keyBase + target.index * deployment.keyStride + replica;
}

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function buildNodeSlot(site: SiteSlot, node: FleetNode, index: number, defaultGflops: number): NodeSlot {
  const freeAccelerators = new Map<string, number>();
  for (const [name, count] of Object.entries(node.allocatable.accelerators ?? {})) {
    freeAccelerators.set(name, count - (node.requested.accelerators?.[name] ?? 0));
  }
  return {
    index,
    site,
    node,
    gflops: node.cpuGflops ?? defaultGflops,
    capacityCpu: node.allocatable.cpuMillicores,
    capacityMemory: node.allocatable.memoryBytes,
    freeCpu: node.allocatable.cpuMillicores - node.requested.cpuMillicores,
    freeMemory: node.allocatable.memoryBytes - node.requested.memoryBytes,
    freeAccelerators,
    residents: new Set(),
  };
}

export function buildFleet(inventory: Inventory, defaultGflops = DEFAULT_NODE_GFLOPS): Fleet {
  const sorted = [...inventory.sites].sort((a, b) => byString(a.id, b.id));
  let nodeIndex = 0;
  const sites = sorted.map((site, index): SiteSlot => {
    const nodes: NodeSlot[] = [];
    const nodesByName = new Map<string, NodeSlot>();
    const slot: SiteSlot = { index, site, reachable: site.health !== 'unreachable', nodes, nodesByName };
    for (const node of [...site.nodes].sort((a, b) => byString(a.name, b.name))) {
      const nodeSlot = buildNodeSlot(slot, node, nodeIndex++, defaultGflops);
      nodes.push(nodeSlot);
      nodesByName.set(node.name, nodeSlot);
    }
    return slot;
  });
  return {
    sites,
    sitesById: new Map(sites.map((s) => [s.site.id, s])),
    centralSites: sites.filter((s) => s.site.kind === 'central'),
  };
}
