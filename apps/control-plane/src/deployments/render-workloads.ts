import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import {
  LABEL_SITE,
  ManifestInputError,
  NODE_LABEL_SITE,
  renderModelWorkload,
  type RenderedObject,
} from '@polis/manifests';
import type { Resources } from '@polis/placement';
import type { ModelRequirements } from './model-profile';
import { runnerDeploymentId, workloadKey, type WorkloadIntent } from './workloads';

/** On a central copy: the site whose telemetry it serves, and that it is a copy. */
export const ANNOTATION_SERVES_SITE = 'polis.city/serves-site';
export const ANNOTATION_OFFLOADED = 'polis.city/offloaded';

const MIB = 1024 * 1024;

export interface RenderContext {
  subjectPrefix: string;
  runner: { image: string; version: string; natsUrl: string };
  /** Base URL the sites download artifacts from (`<base>/api/v1/models/<name>/versions/<v>/download`). */
  publicUrl: string;
  /** The deployment's model name and the resources of one replica, or undefined when it is gone. */
  deployment: (deploymentId: string) => { modelName: string; resources: Resources } | undefined;
  model: (name: string, version: string) => ModelRequirements | undefined;
}

export interface RenderedIntents {
  /** Desired objects per cluster (site id), namespace first. */
  objectsBySite: Map<string, KubernetesObject[]>;
  /** Name of the Kubernetes Deployment of each workload, by workload key. */
  workloadNames: Map<string, string>;
  /** Workloads that could not be rendered, with why. */
  errors: Map<string, string>;
}

/**
 * Requests equal what placement reserves: the CPU asked for, and the larger of the memory asked for and
 * the model's peak (a pod below its model's peak would be OOM-killed). CPU may burst to twice its request;
 * memory is not overcommitted.
 */
function podResources(resources: Resources, model: ModelRequirements) {
  const memoryMiB = Math.ceil(Math.max(resources.memoryBytes, model.profile.peakMemoryBytes) / MIB);
  return {
    cpu: { request: `${resources.cpuMillicores}m`, limit: `${resources.cpuMillicores * 2}m` },
    memory: { request: `${memoryMiB}Mi`, limit: `${memoryMiB}Mi` },
  };
}

/**
 * A copy at a central site is rendered for the site it serves (its subjects, its site label), then pinned
 * to the nodes of the site it runs on instead. @polis/manifests pins every pod to `siteId`'s nodes, which is
 * right at home and wrong for a copy.
 */
function pinCopy(deployment: V1Deployment, intent: WorkloadIntent): V1Deployment {
  const copy = structuredClone(deployment);
  const terms =
    copy.spec?.template.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const expression of term.matchExpressions ?? [])
      if (expression.key === NODE_LABEL_SITE) expression.values = [intent.siteId];
  copy.metadata = {
    ...copy.metadata,
    annotations: {
      ...copy.metadata?.annotations,
      [ANNOTATION_SERVES_SITE]: intent.targetSiteId,
      [ANNOTATION_OFFLOADED]: 'true',
    },
  };
  return copy;
}

function renderOne(
  intent: WorkloadIntent,
  context: RenderContext,
): { objects: RenderedObject[]; name: string } {
  const deployment = context.deployment(intent.deploymentId);
  if (!deployment) throw new Error(`deployment ${intent.deploymentId} is gone`);
  const model = context.model(deployment.modelName, intent.version);
  if (!model) throw new Error(`model ${deployment.modelName}@${intent.version} is not in the registry`);
  const rendered = renderModelWorkload({
    deploymentId: runnerDeploymentId(intent),
    siteId: intent.targetSiteId,
    subjectPrefix: context.subjectPrefix,
    natsUrl: context.runner.natsUrl,
    model: {
      name: deployment.modelName,
      version: intent.version,
      artifactUrl: `${context.publicUrl}/api/v1/models/${deployment.modelName}/versions/${intent.version}/download`,
      artifactSha256: model.sha256,
    },
    sensorKinds: model.sensorKinds,
    runtime: { image: context.runner.image, version: context.runner.version },
    replicas: intent.replicas,
    resources: podResources(deployment.resources, model),
  });
  const offloaded = intent.siteId !== intent.targetSiteId;
  const objects: RenderedObject[] = rendered.owned.map((object) =>
    offloaded && object.kind === 'Deployment'
      ? (pinCopy(object as V1Deployment, intent) as RenderedObject)
      : object,
  );
  const namespace = {
    ...rendered.namespace,
    metadata: {
      ...rendered.namespace.metadata,
      labels: { ...rendered.namespace.metadata.labels, [LABEL_SITE]: intent.siteId },
    },
  };
  return { objects: [namespace, ...objects], name: rendered.names.workload };
}

/** The objects every cluster should hold for these workloads. Pure. */
export function renderIntents(intents: readonly WorkloadIntent[], context: RenderContext): RenderedIntents {
  const objectsBySite = new Map<string, KubernetesObject[]>();
  const workloadNames = new Map<string, string>();
  const errors = new Map<string, string>();
  for (const intent of intents) {
    const key = workloadKey(intent);
    let rendered;
    try {
      rendered = renderOne(intent, context);
    } catch (error) {
      errors.set(
        key,
        error instanceof ManifestInputError || error instanceof Error ? error.message : String(error),
      );
      continue;
    }
    workloadNames.set(key, rendered.name);
    const [namespace, ...owned] = rendered.objects;
    const objects = objectsBySite.get(intent.siteId) ?? [namespace];
    objects.push(...owned);
    objectsBySite.set(intent.siteId, objects);
  }
  return { objectsBySite, workloadNames, errors };
}
