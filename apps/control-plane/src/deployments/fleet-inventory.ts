import type { NodeInventory } from '@polis/kube';
import {
  TAINT_EFFECTS,
  type FleetNode,
  type Inventory,
  type Resources,
  type Site,
  type SiteHealth,
  type SiteKind,
  type TaintEffect,
} from '@polis/placement';

/** Site label giving its measured round trip to the central sites, in milliseconds. */
export const SITE_LABEL_RTT_MS = 'polis.city/rtt-ms';
/** Node label giving its sustained inference throughput, in GFLOPS. */
export const NODE_LABEL_CPU_GFLOPS = 'polis.city/cpu-gflops';

export interface SiteSnapshot {
  id: string;
  kind: SiteKind;
  zone: string;
  labels: Record<string, string>;
  state: 'pending' | 'ready' | 'degraded' | 'unreachable' | 'credentials-rejected' | 'error';
  /** The nodes as last seen; while a site is in trouble but not yet lost, the last healthy view. */
  nodes: readonly NodeInventory[];
  lost: boolean;
  /** Requests of the Polis pods on each node: part of `requested` in the inventory, but Polis's own. */
  polisRequested: ReadonlyMap<string, Resources>;
}

export interface InventoryOptions {
  defaultRttToCentralMs: number;
}

function health(snapshot: SiteSnapshot): SiteHealth {
  if (snapshot.lost) return 'unreachable';
  return snapshot.state === 'ready' ? 'healthy' : 'degraded';
}

function positiveNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

function rttToCentral(snapshot: SiteSnapshot, options: InventoryOptions): number {
  if (snapshot.kind === 'central') return 0;
  const label = snapshot.labels[SITE_LABEL_RTT_MS];
  return label === '0' ? 0 : (positiveNumber(label) ?? options.defaultRttToCentralMs);
}

function minus(total: number, part: number | undefined): number {
  return Math.max(0, total - (part ?? 0));
}

/** What others request on a node: everything scheduled there minus what Polis itself put there. */
function nonPolisRequests(node: NodeInventory, polis: Resources | undefined): Resources {
  const accelerators: Record<string, number> = {};
  for (const [name, amount] of Object.entries(node.requested.accelerators))
    accelerators[name] = minus(amount, polis?.accelerators?.[name]);
  return {
    cpuMillicores: minus(node.requested.cpuMillicores, polis?.cpuMillicores),
    memoryBytes: minus(node.requested.memoryBytes, polis?.memoryBytes),
    accelerators,
  };
}

function isTaintEffect(effect: string): effect is TaintEffect {
  return (TAINT_EFFECTS as readonly string[]).includes(effect);
}

function fleetNode(node: NodeInventory, polis: Resources | undefined): FleetNode {
  const gflops = positiveNumber(node.labels[NODE_LABEL_CPU_GFLOPS]);
  return {
    name: node.name,
    allocatable: {
      cpuMillicores: node.allocatable.cpuMillicores,
      memoryBytes: node.allocatable.memoryBytes,
      accelerators: { ...node.allocatable.accelerators },
    },
    requested: nonPolisRequests(node, polis),
    labels: { ...node.labels },
    taints: node.taints.flatMap((t) =>
      isTaintEffect(t.effect) ? [{ key: t.key, value: t.value, effect: t.effect }] : [],
    ),
    // A cordoned node takes no new pods: for placement it is as good as not ready.
    ready: node.ready && node.schedulable,
    ...(gflops === undefined ? {} : { cpuGflops: gflops }),
  };
}

/** The placement engine's view of the fleet, from the registry, the monitor and what Polis runs. */
export function buildInventory(snapshots: readonly SiteSnapshot[], options: InventoryOptions): Inventory {
  const sites: Site[] = snapshots.map((snapshot) => ({
    id: snapshot.id,
    kind: snapshot.kind,
    zone: snapshot.zone,
    labels: { ...snapshot.labels },
    health: health(snapshot),
    rttToCentralMs: rttToCentral(snapshot, options),
    nodes: snapshot.nodes.map((node) => fleetNode(node, snapshot.polisRequested.get(node.name))),
  }));
  return { sites: sites.sort((a, b) => a.id.localeCompare(b.id)) };
}
