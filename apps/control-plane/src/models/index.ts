export { ModelsModule } from './models.module';
export { ModelRegistry } from './model-registry';
export type { Artifact } from './artifact-store';
export type { ModelSummary, VersionSummary } from './model-listing';
