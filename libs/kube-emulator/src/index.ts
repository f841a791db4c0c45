export { KubeEmulator, DEFAULT_NODE_TEMPLATE, type KubeEmulatorOptions } from './emulator';
export { startFleet, type Fleet, type FleetOptions, type FleetCluster } from './fleet';
export type { NodeTemplate } from './controllers/nodes';
export type { PodLifecycleHooks } from './controllers/cluster-simulator';
export type { FaultSnapshot, FaultRequest } from './server/faults';
export { generateTlsMaterial, type TlsMaterial } from './tls';
export { renderKubeconfig, type KubeconfigInput } from './kubeconfig';
export { EMULATOR_GIT_VERSION, EMULATOR_HEADER } from './model/version';
export type { KubeObject, ObjectMeta, Status } from './model/types';
