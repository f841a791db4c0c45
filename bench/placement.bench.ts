/**
 * Placement engine benchmark: 10,000 replicas onto 1,000 sites × 5 nodes, then a re-plan after one site is
 * lost. The scenario is generated from a fixed seed, so every run plans the same fleet.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/placement.bench.ts
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  diffPlans,
  firstFitDecreasing,
  plan,
  replanAfterSiteLoss,
  type Assignment,
  type DeploymentSpec,
  type FleetNode,
  type PlacementPolicy,
  type Plan,
  type PlanInput,
  type Site,
  type SiteKind,
} from '@polis/placement';

const SITES = 1000;
const CENTRAL_SITES = 8;
const NODES_PER_SITE = 5;
const DEPLOYMENTS = 100;
const SITES_PER_DEPLOYMENT = 50;
const REPLICAS_PER_SITE = 2;
const RUNS = 11;
const WARM_UPS = 3;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const ZONES = ['north', 'south', 'east', 'west'];
const EDGE_KINDS: SiteKind[] = ['traffic', 'energy', 'safety'];

/** mulberry32: tiny, fast, seedable; the bench must be reproducible, so no Math.random. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function edgeNode(random: () => number, siteId: string, n: number): FleetNode {
  const gpu = n === 0 && random() < 0.5;
  return {
    name: `${siteId}-node-${n}`,
    allocatable: {
      cpuMillicores: 4000,
      memoryBytes: 8 * GiB,
      ...(gpu ? { accelerators: { 'nvidia.com/gpu': 1 } } : {}),
    },
    requested: {
      cpuMillicores: 250 + Math.floor(random() * 1000),
      memoryBytes: Math.floor(random() * 2 * GiB),
    },
    labels: { 'kubernetes.io/arch': 'arm64', ...(gpu ? { gpu: 'true' } : {}) },
    taints: n === NODES_PER_SITE - 1 ? [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] : [],
    ready: random() > 0.02,
    cpuGflops: 15 + Math.floor(random() * 60),
  };
}

function centralNode(siteId: string, n: number): FleetNode {
  return {
    name: `${siteId}-node-${n}`,
    allocatable: { cpuMillicores: 64000, memoryBytes: 256 * GiB, accelerators: { 'nvidia.com/gpu': 4 } },
    requested: { cpuMillicores: 4000, memoryBytes: 16 * GiB },
    labels: { 'kubernetes.io/arch': 'amd64', gpu: 'true' },
    taints: [],
    ready: true,
    cpuGflops: 400,
  };
}

function generateSites(random: () => number): Site[] {
  const sites: Site[] = [];
  for (let i = 0; i < SITES; i++) {
    const central = i < CENTRAL_SITES;
    const kind: SiteKind = central ? 'central' : EDGE_KINDS[i % EDGE_KINDS.length];
    const id = `${kind}-${String(i).padStart(4, '0')}`;
    const nodes = Array.from({ length: NODES_PER_SITE }, (_, n) =>
      central ? centralNode(id, n) : edgeNode(random, id, n),
    );
    sites.push({
      id,
      kind,
      zone: ZONES[i % ZONES.length],
      labels: { district: `d${i % 20}` },
      health: central || random() > 0.005 ? 'healthy' : 'degraded',
      rttToCentralMs: central ? 0 : 5 + Math.floor(random() * 35),
      nodes,
    });
  }
  return sites;
}

function generateDeployments(random: () => number, sites: readonly Site[]): DeploymentSpec[] {
  const byKind = new Map(EDGE_KINDS.map((kind) => [kind, sites.filter((s) => s.kind === kind)]));
  return Array.from({ length: DEPLOYMENTS }, (_, i): DeploymentSpec => {
    const kind = EDGE_KINDS[i % EDGE_KINDS.length];
    const pool = byKind.get(kind) ?? [];
    const start = Math.floor(random() * pool.length);
    const ids = Array.from({ length: SITES_PER_DEPLOYMENT }, (_, k) => pool[(start + k) % pool.length].id);
    const roll = random();
    const policy: PlacementPolicy = roll < 0.6 ? 'edge-preferred' : roll < 0.9 ? 'edge-only' : 'central';
    const gpu = i % 10 === 0;
    return {
      id: `dep-${String(i).padStart(3, '0')}`,
      model: { name: `model-${i % 17}`, version: `${1 + (i % 3)}` },
      profile: {
        flopsPerInference: (0.2 + random() * 3) * 1e9,
        peakMemoryBytes: (128 + random() * 512) * MiB,
      },
      targets: { ids },
      replicasPerSite: REPLICAS_PER_SITE,
      resources: {
        cpuMillicores: 250 + 250 * Math.floor(random() * 4),
        memoryBytes: (256 + Math.floor(random() * 768)) * MiB,
        ...(gpu ? { accelerators: { 'nvidia.com/gpu': 1 } } : {}),
      },
      ...(gpu ? { nodeSelector: { gpu: 'true' } } : {}),
      tolerations:
        i % 7 === 0 ? [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] : [],
      latencySloMs: 40 + Math.floor(random() * 160),
      priority: Math.floor(random() * 10),
      policy,
      strategy: i % 2 === 0 ? 'spread' : 'pack',
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Exposes V8's gc() at run time, so heap deltas are not polluted by garbage from the previous run. */
function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => (gc as () => void)() : () => undefined;
}

/**
 * Median of `runs` timed calls after a few warm-up calls (JIT, inline caches). The heap is collected before
 * each sample, so a sample pays for its own garbage but not for the previous sample's.
 */
function timeIt<T>(runs: number, fn: () => T): { result: T; medianMs: number; samplesMs: number[] } {
  let result = fn();
  for (let i = 0; i < WARM_UPS - 1; i++) result = fn();
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    samplesMs.push(performance.now() - start);
  }
  return { result, medianMs: median(samplesMs), samplesMs };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

function busiestSite(kept: Plan, counted: (a: Assignment) => boolean): string {
  const perSite = new Map<string, number>();
  for (const a of kept.assignments) if (counted(a)) perSite.set(a.siteId, (perSite.get(a.siteId) ?? 0) + 1);
  return [...perSite.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

function measureSiteLoss(input: PlanInput, kept: Plan, lostSite: string) {
  const replan = timeIt(RUNS, () => replanAfterSiteLoss(kept, input, lostSite));
  const diff = diffPlans(kept, replan.result);
  return {
    lostSite,
    replicasOnLostSite: kept.assignments.filter((a) => a.siteId === lostSite).length,
    medianMs: round(replan.medianMs),
    samplesMs: replan.samplesMs.map(round),
    moved: diff.moved.length,
    movedFromOtherSites: diff.moved.filter((m) => m.before.siteId !== lostSite).length,
    removed: diff.removed.length,
    added: diff.added.length,
    unchanged: diff.unchanged,
    preempted: replan.result.stats.preempted,
  };
}

function lossRows(loss: ReturnType<typeof measureSiteLoss>): string {
  return [
    `| re-plan after losing ${loss.lostSite} (${loss.replicasOnLostSite} replicas), median | ${loss.medianMs} ms |`,
    `| churn: moved / removed / moved from other sites / preempted | ${loss.moved} / ${loss.removed} / ` +
      `${loss.movedFromOtherSites} / ${loss.preempted} |`,
  ].join('\n');
}

function main(): void {
  const random = prng(20240611);
  const sites = generateSites(random);
  const deployments = generateDeployments(random, sites);
  const input: PlanInput = { inventory: { sites }, deployments };
  const gc = forceGc();

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const kept: Plan = plan(input);
  const heapDeltaBytes = process.memoryUsage().heapUsed - heapBefore;

  const full = timeIt(RUNS, () => plan(input));
  const baseline = firstFitDecreasing(input);

  // Lose the busiest edge site (what a street-cabinet failure looks like) and the busiest central site
  // (every replica offloaded there must find another central site): the two shapes of a single-site loss.
  const edgeLoss = measureSiteLoss(
    input,
    kept,
    busiestSite(kept, (a) => !a.offloaded),
  );
  const centralLoss = measureSiteLoss(
    input,
    kept,
    busiestSite(kept, (a) => a.offloaded),
  );

  const summary = {
    scenario: {
      sites: SITES,
      centralSites: CENTRAL_SITES,
      nodesPerSite: NODES_PER_SITE,
      nodes: SITES * NODES_PER_SITE,
      deployments: DEPLOYMENTS,
      replicasRequested: kept.stats.requested,
      runs: RUNS,
      node: process.version,
      cpus: cpus().length,
      loadAverage1m: round(loadavg()[0]),
    },
    fullPlan: {
      medianMs: round(full.medianMs),
      samplesMs: full.samplesMs.map(round),
      heapDeltaMiB: round(heapDeltaBytes / MiB),
      placed: kept.stats.placed,
      offloaded: kept.stats.offloaded,
      unplaced: kept.stats.unplaced,
      preempted: kept.stats.preempted,
    },
    baselineFirstFitDecreasing: {
      placed: baseline.placed,
      unplaced: baseline.unplaced,
      placedRatio: round(kept.stats.placed / Math.max(1, baseline.placed)),
    },
    replanAfterEdgeSiteLoss: edgeLoss,
    replanAfterCentralSiteLoss: centralLoss,
  };
  console.log(JSON.stringify(summary, null, 2));
  console.log(`
| metric | value |
| --- | --- |
| replicas requested | ${kept.stats.requested} |
| full plan, median of ${RUNS} | ${summary.fullPlan.medianMs} ms |
| heap delta of one plan | ${summary.fullPlan.heapDeltaMiB} MiB |
| placed / offloaded / unplaced | ${kept.stats.placed} / ${kept.stats.offloaded} / ${kept.stats.unplaced} |
| first-fit-decreasing baseline placed | ${baseline.placed} (ratio ${summary.baselineFirstFitDecreasing.placedRatio}) |
${lossRows(edgeLoss)}
${lossRows(centralLoss)}`);
}

main();
