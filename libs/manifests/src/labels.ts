import { isDns1123Label } from './names';

/** Label and annotation keys Polis writes, and the selectors a reconciler prunes by. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_DEPLOYMENT_ID = 'polis.city/deployment-id';
export const LABEL_MODEL = 'polis.city/model';
export const LABEL_SITE = 'polis.city/site';
/** The site whose nodes run the pods: equal to LABEL_SITE except on a copy serving another site. */
export const LABEL_RUNS_ON_SITE = 'polis.city/runs-on-site';

export const MANAGED_BY_POLIS = 'polis';
/** Server-side apply field manager: every object Polis applies is owned by this manager. */
export const FIELD_MANAGER = 'polis';
export const RUNNER_APP_NAME = 'polis-model-runner';

export const ANNOTATION_MODEL = 'polis.city/model';
export const ANNOTATION_MODEL_VERSION = 'polis.city/model-version';
export const ANNOTATION_ARTIFACT_DIGEST = 'polis.city/artifact-digest';
export const ANNOTATION_DEPLOYMENT_ID = 'polis.city/deployment-id';
export const ANNOTATION_CONFIG_HASH = 'polis.city/config-hash';
/** On a copy running at another site than the one it serves: the site it serves, and that it is a copy. */
export const ANNOTATION_SERVES_SITE = 'polis.city/serves-site';
export const ANNOTATION_OFFLOADED = 'polis.city/offloaded';

/** Node labels a site carries (set by k3s/config.yaml) and that placement reads. */
export const NODE_LABEL_SITE = 'polis.city/site';
export const NODE_LABEL_SITE_KIND = 'polis.city/site-kind';
export const NODE_LABEL_ZONE = 'polis.city/zone';
export const NODE_LABEL_ACCELERATOR = 'polis.city/accelerator';
export const NODE_LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export type Labels = Readonly<Record<string, string>>;

export interface Ownership {
  deploymentId: string;
  modelName: string;
  siteId: string;
}

/** Labels of every object Polis owns, the selector "everything Polis owns" matches. */
export function polisOwnedMatchLabels(): Labels {
  return { [LABEL_MANAGED_BY]: MANAGED_BY_POLIS };
}

/**
 * Labels that pick out the objects of one model deployment. They are also the Deployment's selector,
 * which Kubernetes makes immutable: so nothing here may change over the life of a deployment id.
 */
export function deploymentMatchLabels(deploymentId: string): Labels {
  return { ...polisOwnedMatchLabels(), [LABEL_DEPLOYMENT_ID]: deploymentId };
}

export function ownershipLabels(owner: Ownership): Labels {
  return {
    ...deploymentMatchLabels(owner.deploymentId),
    [LABEL_MODEL]: owner.modelName,
    [LABEL_SITE]: owner.siteId,
  };
}

/** `k1=v1,k2=v2`, the form the list/watch `labelSelector` query parameter takes. */
export function formatLabelSelector(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export const POLIS_OWNED_SELECTOR = formatLabelSelector(polisOwnedMatchLabels());

export function deploymentSelector(deploymentId: string): string {
  // A selector is a query string: an unchecked id such as "a,x!=y" would widen what gets pruned.
  if (!isDns1123Label(deploymentId))
    throw new RangeError(`deployment id "${deploymentId}" is not a DNS-1123 label`);
  return formatLabelSelector(deploymentMatchLabels(deploymentId));
}

/** True when an object's labels say Polis manages it (a reconciler never prunes anything else). */
export function isOwnedByPolis(labels: Labels | undefined): boolean {
  return labels?.[LABEL_MANAGED_BY] === MANAGED_BY_POLIS;
}

/** The deployment id an object Polis owns belongs to, or undefined for shared or foreign objects. */
export function deploymentIdOf(labels: Labels | undefined): string | undefined {
  return isOwnedByPolis(labels) ? labels?.[LABEL_DEPLOYMENT_ID] : undefined;
}
