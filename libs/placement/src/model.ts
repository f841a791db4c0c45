/**
 * Public data model of the placement engine: the fleet inventory and deployment specs it reads, and the plan
 * it produces. Everything is plain, JSON-serialisable data so a plan can be stored and fed back as the
 * previous plan of the next run.
 */

export type SiteKind = 'traffic' | 'energy' | 'safety' | 'central';
export const SITE_KINDS: readonly SiteKind[] = ['traffic', 'energy', 'safety', 'central'];

export type SiteHealth = 'healthy' | 'degraded' | 'unreachable';
export const SITE_HEALTHS: readonly SiteHealth[] = ['healthy', 'degraded', 'unreachable'];

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export type Labels = Readonly<Record<string, string>>;

/** Extended resources such as `nvidia.com/gpu`, counted in whole devices. */
export type Accelerators = Readonly<Record<string, number>>;

export interface Resources {
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  readonly accelerators?: Accelerators;
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

export type TolerationOperator = 'Equal' | 'Exists';

export interface Toleration {
  /** Omitted with operator `Exists`: tolerates every taint (of `effect`, when given). */
  readonly key?: string;
  readonly operator: TolerationOperator;
  readonly value?: string;
  /** Omitted: tolerates the taint whatever its effect. */
  readonly effect?: TaintEffect;
}

export interface FleetNode {
  readonly name: string;
  readonly allocatable: Resources;
  /** Requests of workloads Polis does not manage; they reduce what Polis may use. */
  readonly requested: Resources;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly ready: boolean;
  /** Sustained inference throughput; when absent the planner's `defaultNodeGflops` applies. */
  readonly cpuGflops?: number;
}

export interface Site {
  readonly id: string;
  readonly kind: SiteKind;
  readonly zone: string;
  readonly labels: Labels;
  readonly health: SiteHealth;
  /** Round-trip time between this site and the central site(s); 0 for a central site. */
  readonly rttToCentralMs: number;
  readonly nodes: readonly FleetNode[];
}

export interface Inventory {
  readonly sites: readonly Site[];
}

export interface ModelProfile {
  readonly flopsPerInference: number;
  readonly peakMemoryBytes: number;
}

/** Every given field must match (AND); within a list any entry matches (OR). An empty selector selects all. */
export interface SiteSelector {
  readonly ids?: readonly string[];
  readonly kinds?: readonly SiteKind[];
  readonly zones?: readonly string[];
  readonly labels?: Labels;
}

export type PlacementPolicy = 'edge-only' | 'edge-preferred' | 'central';
export const PLACEMENT_POLICIES: readonly PlacementPolicy[] = ['edge-only', 'edge-preferred', 'central'];

export type PlacementStrategy = 'spread' | 'pack';
export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ['spread', 'pack'];

export interface DeploymentSpec {
  readonly id: string;
  readonly model: { readonly name: string; readonly version: string };
  readonly profile: ModelProfile;
  /** Sites whose sensor data the model serves; each gets `replicasPerSite` replicas. */
  readonly targets: SiteSelector;
  readonly replicasPerSite: number;
  readonly resources: Resources;
  readonly nodeSelector?: Labels;
  readonly tolerations?: readonly Toleration[];
  /** End-to-end budget: central RTT (when offloaded) + estimated inference time. Absent: no SLO. */
  readonly latencySloMs?: number;
  /** Higher wins; may preempt strictly lower priorities. */
  readonly priority: number;
  readonly policy: PlacementPolicy;
  readonly strategy: PlacementStrategy;
}

/** Machine-readable cause behind every unplaced request and every offload. */
export type ReasonCode =
  | 'no-target-site'
  | 'site-unreachable'
  | 'no-nodes'
  | 'node-not-ready'
  | 'node-selector'
  | 'taint'
  | 'model-memory'
  | 'latency-slo'
  | 'insufficient-resources'
  | 'no-central-site'
  | 'policy-central';

export interface Assignment {
  readonly deploymentId: string;
  /** The site whose sensors feed this replica. */
  readonly targetSiteId: string;
  readonly replica: number;
  /** The site (cluster) the replica runs on. */
  readonly siteId: string;
  readonly nodeName: string;
  /** True when the replica runs at a central site on behalf of `targetSiteId`. */
  readonly offloaded: boolean;
  readonly offloadCode?: ReasonCode;
  readonly offloadReason?: string;
  /** Central RTT (when offloaded) + estimated inference time on the chosen node. */
  readonly estimatedLatencyMs: number;
}

export interface UnplacedRequest {
  readonly deploymentId: string;
  /** Null when the deployment's target selector matches no site at all. */
  readonly targetSiteId: string | null;
  readonly replicas: readonly number[];
  readonly code: ReasonCode;
  readonly reason: string;
}

export interface ReplicaRef {
  readonly deploymentId: string;
  readonly targetSiteId: string;
  readonly replica: number;
  readonly priority: number;
}

export interface Preemption {
  readonly victim: ReplicaRef & { readonly siteId: string; readonly nodeName: string };
  readonly preemptor: ReplicaRef;
  readonly reason: string;
}

export interface PlanStats {
  /** Replicas asked for by all deployments over all selected target sites. */
  readonly requested: number;
  readonly placed: number;
  readonly offloaded: number;
  readonly unplaced: number;
  /** Assignments kept unchanged from the previous plan. */
  readonly retained: number;
  readonly preempted: number;
}

export interface Plan {
  /** Sorted by deployment id, target site id, replica. */
  readonly assignments: readonly Assignment[];
  readonly unplaced: readonly UnplacedRequest[];
  readonly preemptions: readonly Preemption[];
  readonly stats: PlanStats;
}

/** Only the assignments of a previous plan matter for stability; a stored plan qualifies as is. */
export interface PreviousPlan {
  readonly assignments: readonly Assignment[];
}

export interface PlanInput {
  readonly inventory: Inventory;
  readonly deployments: readonly DeploymentSpec[];
  readonly previousPlan?: PreviousPlan;
}

export interface PlanOptions {
  /** Throughput assumed for nodes that do not report `cpuGflops`. Default {@link DEFAULT_NODE_GFLOPS}. */
  readonly defaultNodeGflops?: number;
}

/** A modest ARM/x86 edge box running ONNX Runtime on CPU. */
export const DEFAULT_NODE_GFLOPS = 20;
