export { DeploymentsModule } from './deployments.module';
export { DesiredStateStore, deploymentBucket } from './desired-state.store';
export { StatusBoard, type DeploymentStatusView } from './status-board';
export { DeploymentEvents, deploymentEventsSubject, type DeploymentEvent } from './deployment-events';
export { rolloutBucket } from './rollout.store';
export { heartbeatSchema, type Heartbeat } from './heartbeat';
export type { DeploymentRecord, DeploymentSpecBody, RolloutPolicy } from './deployment.schema';
export type { DeploymentState, DeploymentStatus, SiteDeploymentStatus } from './status';
export type { RolloutPhase, RolloutState } from './rollout';
