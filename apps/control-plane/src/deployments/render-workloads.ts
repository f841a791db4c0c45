import type { KubernetesObject } from '@kubernetes/client-node';
import { ManifestInputError, renderModelWorkload, type RenderedObject } from '@polis/manifests';
import type { Resources } from '@polis/placement';
import type { DeploymentSpecBody } from './deployment.schema';
import type { ModelRequirements } from './model-profile';
import { deploymentScheduling } from './scheduling';
import { runnerDeploymentId, workloadKey, type WorkloadIntent } from './workloads';

const MIB = 1024 * 1024;

export interface RenderableDeployment {
  modelName: string;
  resources: Resources;
  spec: Pick<DeploymentSpecBody, 'resources' | 'nodeSelector' | 'tolerations'>;
}

export interface RenderContext {
  subjectPrefix: string;
  runner: { image: string; version: string; natsUrl: string };
  /** Base URL the sites download artifacts from (`<base>/api/v1/models/<name>/versions/<v>/download`). */
  publicUrl: string;
  /** The deployment's model name, the resources of one replica and its scheduling fields; undefined when gone. */
  deployment: (deploymentId: string) => RenderableDeployment | undefined;
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

function renderOne(
  intent: WorkloadIntent,
  context: RenderContext,
): { objects: RenderedObject[]; name: string } {
  const deployment = context.deployment(intent.deploymentId);
  if (!deployment) throw new Error(`deployment ${intent.deploymentId} is gone`);
  const model = context.model(deployment.modelName, intent.version);
  if (!model) throw new Error(`model ${deployment.modelName}@${intent.version} is not in the registry`);
  // The devices of the version this workload runs (placement reserved those of either rollout version).
  const scheduling = deploymentScheduling(deployment.spec, [model]);
  const devices = Object.entries(scheduling.accelerators);
  if (devices.length > 1) throw new Error(`the runner drives one kind of accelerator, not ${devices.length}`);
  // A copy at a central site is rendered for the site it serves (its subjects, its site label) and runs
  // on the nodes of the site it is placed on.
  const rendered = renderModelWorkload({
    deploymentId: runnerDeploymentId(intent),
    siteId: intent.targetSiteId,
    runsOnSiteId: intent.siteId,
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
    ...(devices[0] ? { gpu: { resourceName: devices[0][0], count: devices[0][1] } } : {}),
    placement: { nodeSelector: scheduling.nodeSelector, tolerations: scheduling.tolerations },
  });
  return { objects: [...rendered.objects], name: rendered.names.workload };
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
