import { PlacementInputError } from './errors';
import {
  PLACEMENT_POLICIES,
  PLACEMENT_STRATEGIES,
  SITE_HEALTHS,
  SITE_KINDS,
  TAINT_EFFECTS,
  type DeploymentSpec,
  type FleetNode,
  type PlanInput,
  type Resources,
  type Site,
  type Toleration,
} from './model';

const MAX_ISSUES = 20;

/** Where a value sits in the input, built only when there is something to report. */
type At = () => string;

/**
 * Hand-rolled rather than schema-based: plans run on every inventory change (and the incremental re-plan
 * has a budget of a few tens of milliseconds for 5,000 nodes), so this is one linear pass that builds no
 * path strings unless a value is invalid.
 */
class Issues {
  readonly list: string[] = [];

  add(at: At, field: string, problem: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push(`${at()}${field} ${problem}`);
  }

  nonEmptyString(at: At, field: string, value: unknown): void {
    if (typeof value !== 'string' || value.length === 0) this.add(at, field, 'must be a non-empty string');
  }

  amount(at: At, field: string, value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      this.add(at, field, 'must be a finite number >= 0');
    }
  }

  oneOf(at: At, field: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.add(at, field, `must be one of ${allowed.join(', ')}`);
    }
  }

  labels(at: At, field: string, value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(at, field, 'must be an object of string labels');
      return;
    }
    for (const key in value) {
      if (typeof (value as Record<string, unknown>)[key] !== 'string')
        this.add(at, `${field}.${key}`, 'must be a string');
    }
  }

  resources(at: At, field: string, value: Resources | undefined): void {
    if (typeof value !== 'object' || value === null) {
      this.add(at, field, 'must be an object');
      return;
    }
    this.amount(at, `${field}.cpuMillicores`, value.cpuMillicores);
    this.amount(at, `${field}.memoryBytes`, value.memoryBytes);
    const accelerators = value.accelerators ?? {};
    for (const name in accelerators) this.amount(at, `${field}.accelerators.${name}`, accelerators[name]);
  }
}

const root: At = () => '';

function validateNode(issues: Issues, at: At, node: FleetNode): void {
  issues.nonEmptyString(at, `.name`, node.name);
  issues.resources(at, `.allocatable`, node.allocatable);
  issues.resources(at, `.requested`, node.requested);
  issues.labels(at, `.labels`, node.labels);
  if (typeof node.ready !== 'boolean') issues.add(at, `.ready`, 'must be a boolean');
  if (node.cpuGflops !== undefined && !(Number.isFinite(node.cpuGflops) && node.cpuGflops > 0)) {
    issues.add(at, `.cpuGflops`, 'must be a finite number > 0');
  }
  if (!Array.isArray(node.taints as unknown)) {
    issues.add(at, `.taints`, 'must be an array');
    return;
  }
  node.taints.forEach((taint, i) => {
    issues.nonEmptyString(at, `.taints[${i}].key`, taint.key);
    issues.oneOf(at, `.taints[${i}].effect`, taint.effect, TAINT_EFFECTS);
  });
}

function validateSite(issues: Issues, at: At, site: Site): void {
  issues.nonEmptyString(at, `.id`, site.id);
  issues.oneOf(at, `.kind`, site.kind, SITE_KINDS);
  issues.oneOf(at, `.health`, site.health, SITE_HEALTHS);
  if (typeof site.zone !== 'string') issues.add(at, `.zone`, 'must be a string');
  issues.labels(at, `.labels`, site.labels);
  issues.amount(at, `.rttToCentralMs`, site.rttToCentralMs);
  if (!Array.isArray(site.nodes as unknown)) {
    issues.add(at, `.nodes`, 'must be an array');
    return;
  }
  const names = new Set<string>();
  site.nodes.forEach((node, i) => {
    validateNode(issues, () => `${at()}.nodes[${i}]`, node);
    if (names.has(node.name)) issues.add(at, `.nodes[${i}].name`, `duplicates node ${node.name}`);
    names.add(node.name);
  });
}

function validateToleration(issues: Issues, at: At, toleration: Toleration): void {
  issues.oneOf(at, `.operator`, toleration.operator, ['Equal', 'Exists']);
  if (toleration.effect !== undefined) issues.oneOf(at, `.effect`, toleration.effect, TAINT_EFFECTS);
  if (toleration.operator === 'Equal' && !toleration.key) issues.add(at, `.key`, 'is required by Equal');
  if (toleration.operator === 'Exists' && toleration.value !== undefined) {
    issues.add(at, `.value`, 'must be omitted with Exists');
  }
}

function validateDeployment(issues: Issues, at: At, spec: DeploymentSpec): void {
  issues.nonEmptyString(at, `.id`, spec.id);
  issues.nonEmptyString(at, `.model.name`, spec.model?.name);
  issues.nonEmptyString(at, `.model.version`, spec.model?.version);
  issues.amount(at, `.profile.flopsPerInference`, spec.profile?.flopsPerInference);
  issues.amount(at, `.profile.peakMemoryBytes`, spec.profile?.peakMemoryBytes);
  if (typeof spec.targets !== 'object' || spec.targets === null)
    issues.add(at, `.targets`, 'must be an object');
  (spec.targets?.kinds ?? []).forEach((kind, i) =>
    issues.oneOf(at, `.targets.kinds[${i}]`, kind, SITE_KINDS),
  );
  if (spec.targets?.labels !== undefined) issues.labels(at, `.targets.labels`, spec.targets.labels);
  if (!Number.isSafeInteger(spec.replicasPerSite) || spec.replicasPerSite < 0) {
    issues.add(at, `.replicasPerSite`, 'must be an integer >= 0');
  }
  issues.resources(at, `.resources`, spec.resources);
  if (spec.nodeSelector !== undefined) issues.labels(at, `.nodeSelector`, spec.nodeSelector);
  (spec.tolerations ?? []).forEach((t, i) =>
    validateToleration(issues, () => `${at()}.tolerations[${i}]`, t),
  );
  if (spec.latencySloMs !== undefined && !(Number.isFinite(spec.latencySloMs) && spec.latencySloMs > 0)) {
    issues.add(at, `.latencySloMs`, 'must be a finite number > 0');
  }
  if (!Number.isSafeInteger(spec.priority)) issues.add(at, `.priority`, 'must be an integer');
  issues.oneOf(at, `.policy`, spec.policy, PLACEMENT_POLICIES);
  issues.oneOf(at, `.strategy`, spec.strategy, PLACEMENT_STRATEGIES);
}

/**
 * Checks the shape and value ranges of a plan input and throws {@link PlacementInputError} listing the
 * problems. References in the previous plan are not checked: stale ones are simply re-planned.
 */
export function validatePlanInput(input: PlanInput): void {
  const issues = new Issues();
  if (!Array.isArray(input?.inventory?.sites)) issues.add(root, 'inventory.sites', 'must be an array');
  if (!Array.isArray(input?.deployments)) issues.add(root, 'deployments', 'must be an array');
  if (issues.list.length > 0) throw new PlacementInputError(issues.list);

  const siteIds = new Set<string>();
  input.inventory.sites.forEach((site, i) => {
    const at = (): string => `inventory.sites[${i}]`;
    validateSite(issues, at, site);
    if (siteIds.has(site.id)) issues.add(at, '.id', `duplicates site ${site.id}`);
    siteIds.add(site.id);
  });
  const deploymentIds = new Set<string>();
  input.deployments.forEach((spec, i) => {
    const at = (): string => `deployments[${i}]`;
    validateDeployment(issues, at, spec);
    if (deploymentIds.has(spec.id)) issues.add(at, '.id', `duplicates deployment ${spec.id}`);
    deploymentIds.add(spec.id);
  });
  if (input.previousPlan !== undefined && !Array.isArray(input.previousPlan.assignments)) {
    issues.add(root, 'previousPlan.assignments', 'must be an array');
  }
  if (issues.list.length > 0) throw new PlacementInputError(issues.list);
}
