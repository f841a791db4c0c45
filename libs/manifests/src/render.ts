import type { V1ConfigMap, V1Deployment, V1Namespace, V1Service } from '@kubernetes/client-node';
import { parseModelWorkloadInput, type ModelWorkloadInput, type ModelWorkloadSpec } from './input';
import type { Rendered } from './manifest';
import { renderConfigMap } from './render-config-map';
import { renderDeployment } from './render-deployment';
import { renderNamespace } from './render-namespace';
import { renderService } from './render-service';
import { configHash, runnerConfig } from './runner-config';
import { workloadNames, type WorkloadNames } from './workload-names';

export type RenderedObject =
  | Rendered<V1Namespace>
  | Rendered<V1ConfigMap>
  | Rendered<V1Deployment>
  | Rendered<V1Service>;

export interface RenderedWorkload {
  spec: ModelWorkloadSpec;
  names: WorkloadNames;
  configHash: string;
  namespace: Rendered<V1Namespace>;
  configMap: Rendered<V1ConfigMap>;
  deployment: Rendered<V1Deployment>;
  service: Rendered<V1Service>;
  /** Every object in apply order: the namespace, the config before the pods that read it, the service last. */
  objects: readonly RenderedObject[];
  /**
   * The objects that belong to this deployment alone, all matched by deploymentSelector(id): what a
   * reconciler deletes when the deployment goes. The shared namespace is never among them.
   */
  owned: readonly RenderedObject[];
}

/**
 * Renders the objects that run one model on one site. Pure: same input, same objects, byte for byte
 * once serialised. The input is validated even when typed (it often comes from an API body or a
 * stored record): throws ManifestInputError naming each bad field.
 */
export function renderModelWorkload(input: ModelWorkloadInput): RenderedWorkload {
  const spec = parseModelWorkloadInput(input);
  const names = workloadNames(spec);
  const config = runnerConfig(spec);
  const hash = configHash(config);
  const namespace = renderNamespace(names.namespace, spec.runsOnSiteId);
  const configMap = renderConfigMap(spec, names, config);
  const deployment = renderDeployment({ spec, names, configHash: hash });
  const service = renderService(spec, names);
  const owned = [configMap, deployment, service];
  return {
    spec,
    names,
    configHash: hash,
    namespace,
    configMap,
    deployment,
    service,
    objects: [namespace, ...owned],
    owned,
  };
}
