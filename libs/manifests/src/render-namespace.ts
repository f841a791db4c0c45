import type { V1Namespace } from '@kubernetes/client-node';
import { LABEL_PART_OF, LABEL_SITE, polisOwnedMatchLabels } from './labels';
import type { Rendered } from './manifest';

/**
 * The shared namespace, as Polis wants it. It carries no deployment id (it outlives every deployment,
 * so pruning one deployment by its selector never touches it), and enforces the "restricted" Pod
 * Security Standard, which the runner pods meet.
 */
export function renderNamespace(namespace: string, siteId: string): Rendered<V1Namespace> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: {
        ...polisOwnedMatchLabels(),
        [LABEL_SITE]: siteId,
        [LABEL_PART_OF]: 'polis',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}
