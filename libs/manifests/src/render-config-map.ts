import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ModelWorkloadSpec } from './input';
import type { Rendered } from './manifest';
import type { RunnerConfig } from './runner-config';
import { workloadAnnotations, workloadLabels } from './workload-metadata';
import type { WorkloadNames } from './workload-names';

export function renderConfigMap(
  spec: ModelWorkloadSpec,
  names: WorkloadNames,
  config: RunnerConfig,
): Rendered<V1ConfigMap> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: names.configMap,
      namespace: names.namespace,
      labels: workloadLabels(spec, names.workload),
      annotations: workloadAnnotations(spec),
    },
    data: { ...config },
  };
}
