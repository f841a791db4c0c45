import type { ModelWorkloadSpec } from './input';
import { POLIS_MODELS_NAMESPACE } from './manifest';
import { boundedName } from './names';

export interface WorkloadNames {
  namespace: string;
  configMap: string;
  /** Name of the Deployment and of the Service (a Service name is a DNS-1035 label). */
  workload: string;
}

/**
 * One namespace for all deployments rather than one per deployment: the controller's RBAC on a site
 * is then a Role in a namespace fixed when the site is set up, and Polis never needs the cluster-wide
 * right to create namespaces. Objects of different deployments are told apart by name and labels.
 *
 * Names start with the model name (which starts with a letter) so they read well in kubectl and are
 * valid Service names; the deployment id makes them unique when a model runs twice on a site.
 */
export function workloadNames(spec: Pick<ModelWorkloadSpec, 'deploymentId' | 'model'>): WorkloadNames {
  const base = `${spec.model.name}-${spec.deploymentId}`;
  return {
    namespace: POLIS_MODELS_NAMESPACE,
    configMap: boundedName(base, '-config'),
    workload: boundedName(base),
  };
}
