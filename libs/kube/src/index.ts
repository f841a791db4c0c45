export { KubeconfigError, KubeRequestError, type KubeconfigProblem, type KubeFailure } from './errors';
export { parseKubeconfig, type SiteKubeconfig } from './kubeconfig';
export {
  DEFAULT_RETRY,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
  withRetry,
  type RetryHooks,
  type RetryPolicy,
} from './retry';
export { Semaphore, runWithPermits } from './semaphore';
export { QuantityError, bytes, cpuMillicores, parseQuantity } from '@polis/quantity';
export {
  clusterCapacity,
  isAcceleratorResource,
  isNodeReady,
  nodeInventory,
  podRequests,
  type ClusterCapacity,
  type NodeInventory,
  type ResourceAmounts,
} from './node-inventory';
export { objectKey, type ObjectRef } from './resource-kinds';
export { satisfies } from './drift';
export { KeyedWorkQueue, type KeyedQueueOptions } from './keyed-queue';
export { ResilientInformer, type InformerEvent } from './informer';
export {
  ClusterClient,
  type ClusterClientOptions,
  type ClusterVersion,
  type DeleteOutcome,
  type ListOptions,
} from './cluster-client';
export { ClusterPool, type ClusterPoolOptions } from './cluster-pool';
export { ClusterReconciler, isRolledOut, type ReconcilerOptions, type ReconcilerStatus } from './reconciler';
