import type { ModelWorkloadSpec } from './input';
import {
  ANNOTATION_ARTIFACT_DIGEST,
  ANNOTATION_DEPLOYMENT_ID,
  ANNOTATION_MODEL,
  ANNOTATION_MODEL_VERSION,
  ANNOTATION_OFFLOADED,
  ANNOTATION_SERVES_SITE,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_RUNS_ON_SITE,
  RUNNER_APP_NAME,
  ownershipLabels,
} from './labels';

/** Labels of every per-deployment object: ownership (for pruning) plus the recommended app labels. */
export function workloadLabels(spec: ModelWorkloadSpec, instance: string): Record<string, string> {
  return {
    ...ownershipLabels({ deploymentId: spec.deploymentId, modelName: spec.model.name, siteId: spec.siteId }),
    [LABEL_RUNS_ON_SITE]: spec.runsOnSiteId,
    [LABEL_NAME]: RUNNER_APP_NAME,
    [LABEL_INSTANCE]: instance,
    [LABEL_COMPONENT]: 'model-runner',
    [LABEL_PART_OF]: 'polis',
  };
}

/** Facts an operator looks for with kubectl describe; annotations, as versions and digests change. */
export function workloadAnnotations(spec: ModelWorkloadSpec): Record<string, string> {
  return {
    [ANNOTATION_MODEL]: spec.model.name,
    [ANNOTATION_MODEL_VERSION]: spec.model.version,
    [ANNOTATION_ARTIFACT_DIGEST]: `sha256:${spec.model.artifactSha256}`,
    [ANNOTATION_DEPLOYMENT_ID]: spec.deploymentId,
    ...(spec.runsOnSiteId === spec.siteId
      ? {}
      : { [ANNOTATION_SERVES_SITE]: spec.siteId, [ANNOTATION_OFFLOADED]: 'true' }),
  };
}
