export { EdgeModule } from './edge.module';
export { EdgeDataPlaneService } from './edge-data-plane.service';
export { planHubSources, type HubSourcePlan } from './hub-sources';
export { applyHubSources, ensureSiteStream, rollupStreamName } from './hub-sourcing';
