import type { V1Service } from '@kubernetes/client-node';
import type { ModelWorkloadSpec } from './input';
import { deploymentMatchLabels } from './labels';
import type { Rendered } from './manifest';
import { workloadAnnotations, workloadLabels } from './workload-metadata';
import type { WorkloadNames } from './workload-names';

/** ClusterIP only: health and metrics are scraped inside the site; inference leaves through NATS. */
export function renderService(spec: ModelWorkloadSpec, names: WorkloadNames): Rendered<V1Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: names.workload,
      namespace: names.namespace,
      labels: workloadLabels(spec, names.workload),
      annotations: workloadAnnotations(spec),
    },
    spec: {
      type: 'ClusterIP',
      selector: { ...deploymentMatchLabels(spec.deploymentId) },
      ports: [{ name: 'http', port: spec.runtime.httpPort, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
