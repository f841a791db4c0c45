/**
 * Rolls Deployments out through ReplicaSets (one per pod template, labelled pod-template-hash),
 * scales them, prunes old ones, and keeps the status `kubectl rollout status` and helm --wait read.
 */
import { createHash } from 'node:crypto';
import { asArray, asNumber, asString, deepEqual, getPath, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { controllerReference, ownedBy, tolerateRaces, type ControllerContext } from './context';

const REVISION = 'deployment.kubernetes.io/revision';
const TEMPLATE_HASH = 'pod-template-hash';

/** Hashes of stored (frozen, so unchanging) templates: every sync of a Deployment asks again. */
const templateHashes = new WeakMap<object, string>();

/** A short, stable, label-safe hash of the pod template. */
export function templateHash(template: unknown): string {
  const remembered = isObject(template) ? templateHashes.get(template) : undefined;
  if (remembered !== undefined) return remembered;
  const hash = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex')
    .slice(0, 10);
  if (isObject(template) && Object.isFrozen(template)) templateHashes.set(template, hash);
  return hash;
}

/** Resolves an int-or-percent (maxSurge/maxUnavailable) against the replica count. */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!match) return Number(value) || 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function replicas(object: KubeObject, path: 'spec' | 'status', field = 'replicas'): number {
  return asNumber(getPath(object, [path, field])) ?? 0;
}

function revisionOf(object: KubeObject): number {
  return Number(object.metadata.annotations?.[REVISION] ?? '0') || 0;
}

function newReplicaSet(deployment: KubeObject, hash: string, revision: number, count: number): KubeObject {
  const spec = isObject(deployment.spec) ? deployment.spec : {};
  // The Deployment is stored, so frozen: its template's parts are shared, not copied.
  const deploymentTemplate = isObject(spec.template) ? spec.template : {};
  const templateMeta = isObject(deploymentTemplate.metadata) ? deploymentTemplate.metadata : {};
  const labels = {
    ...(isObject(templateMeta.labels) ? (templateMeta.labels as Record<string, string>) : {}),
    [TEMPLATE_HASH]: hash,
  };
  const template = { ...deploymentTemplate, metadata: { ...templateMeta, labels } };
  const selector = isObject(spec.selector) ? spec.selector : {};
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name ?? 'deployment'}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels,
      annotations: {
        [REVISION]: String(revision),
        'deployment.kubernetes.io/desired-replicas': String(replicas(deployment, 'spec')),
      },
      ownerReferences: [controllerReference(deployment)],
    },
    spec: {
      replicas: count,
      selector: { ...selector, matchLabels: { ...matchLabels, [TEMPLATE_HASH]: hash } },
      template,
    },
  };
}

interface ConditionState {
  type: string;
  ok: boolean;
  reason: string;
  message: string;
}

/** The condition as it should be; timestamps move only when it actually changes. */
function condition(wanted: ConditionState, previous: unknown, now: string): JsonObject {
  const status = wanted.ok ? 'True' : 'False';
  const before = asArray(previous).find((c) => isObject(c) && c.type === wanted.type);
  if (
    isObject(before) &&
    before.status === status &&
    before.reason === wanted.reason &&
    before.message === wanted.message
  ) {
    return before;
  }
  const sameStatus = isObject(before) && before.status === status;
  return {
    type: wanted.type,
    status,
    lastUpdateTime: now,
    lastTransitionTime: sameStatus ? (before.lastTransitionTime ?? now) : now,
    reason: wanted.reason,
    message: wanted.message,
  };
}

function setReplicas(context: ControllerContext, replicaSet: KubeObject, count: number): void {
  if (replicas(replicaSet, 'spec') === count) return;
  tolerateRaces(() => {
    context.storage.mutate(
      context.replicaSets,
      replicaSet.metadata.namespace,
      replicaSet.metadata.name ?? '',
      (current) => ({
        ...current,
        spec: { ...(isObject(current.spec) ? current.spec : {}), replicas: count },
      }),
      {},
    );
  });
}

export function reconcileDeployment(context: ControllerContext, deployment: KubeObject): void {
  const { storage } = context;
  const namespace = deployment.metadata.namespace;
  const spec = isObject(deployment.spec) ? deployment.spec : {};
  const desired = replicas(deployment, 'spec');
  const hash = templateHash(spec.template);
  let owned = storage.listOwnedBy(context.replicaSets, deployment).filter(ownedBy(deployment));
  let current = owned.find((rs) => rs.metadata.labels?.[TEMPLATE_HASH] === hash);
  const paused = spec.paused === true;

  if (!current && !paused) {
    const revision = Math.max(0, ...owned.map(revisionOf)) + 1;
    const recreate = getPath(spec, ['strategy', 'type']) === 'Recreate';
    const oldPods = owned.reduce((sum, rs) => sum + replicas(rs, 'status'), 0);
    tolerateRaces(() => {
      current = storage.create(
        context.replicaSets,
        namespace,
        newReplicaSet(deployment, hash, revision, recreate && oldPods > 0 ? 0 : desired),
        {},
      );
    });
    owned = storage.listOwnedBy(context.replicaSets, deployment).filter(ownedBy(deployment));
    current = owned.find((rs) => rs.metadata.labels?.[TEMPLATE_HASH] === hash);
  }
  const old = owned.filter((rs) => rs !== current).sort((a, b) => revisionOf(b) - revisionOf(a));

  // A paused deployment still scales; it just does not roll out a new template.
  if (current && paused) setReplicas(context, current, desired);
  if (current && !paused) {
    const recreate = getPath(spec, ['strategy', 'type']) === 'Recreate';
    if (recreate) {
      for (const rs of old) setReplicas(context, rs, 0);
      const oldPods = old.reduce((sum, rs) => sum + replicas(rs, 'status'), 0);
      if (oldPods === 0) setReplicas(context, current, desired);
    } else {
      // Surge the new ReplicaSet to full size; old ones give way as new pods become available.
      setReplicas(context, current, desired);
      let budget = Math.max(0, desired - replicas(current, 'status', 'availableReplicas'));
      for (const rs of old) {
        const keep = Math.min(replicas(rs, 'spec'), budget);
        budget -= keep;
        setReplicas(context, rs, keep);
      }
    }
    pruneHistory(context, old, asNumber(spec.revisionHistoryLimit) ?? 10);
    syncRevision(context, deployment, current);
  }
  updateStatus(context, deployment, current, owned);
}

function pruneHistory(context: ControllerContext, old: KubeObject[], limit: number): void {
  const idle = old.filter((rs) => replicas(rs, 'spec') === 0 && replicas(rs, 'status') === 0);
  for (const rs of idle.slice(limit)) {
    tolerateRaces(() => {
      context.storage.delete(context.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '', {});
    });
  }
}

function syncRevision(context: ControllerContext, deployment: KubeObject, current: KubeObject): void {
  const revision = current.metadata.annotations?.[REVISION];
  if (!revision || deployment.metadata.annotations?.[REVISION] === revision) return;
  tolerateRaces(() => {
    context.storage.mutate(
      context.deployments,
      deployment.metadata.namespace,
      deployment.metadata.name ?? '',
      (object) => ({
        ...object,
        metadata: {
          ...object.metadata,
          annotations: { ...object.metadata.annotations, [REVISION]: revision },
        },
      }),
      {},
    );
  });
}

function updateStatus(
  context: ControllerContext,
  deployment: KubeObject,
  current: KubeObject | undefined,
  owned: KubeObject[],
): void {
  const latest = owned.map(
    (rs) => context.storage.find(context.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '') ?? rs,
  );
  const fresh = current
    ? (context.storage.find(context.replicaSets, current.metadata.namespace, current.metadata.name ?? '') ??
      current)
    : undefined;
  const sum = (field: string): number =>
    latest.reduce((total, rs) => total + replicas(rs, 'status', field), 0);
  const desired = replicas(deployment, 'spec');
  const total = sum('replicas');
  const available = sum('availableReplicas');
  const updated = fresh ? replicas(fresh, 'status') : 0;
  const maxUnavailable = resolveIntOrPercent(
    getPath(deployment, ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable']) ?? '25%',
    desired,
    false,
  );
  const complete = updated === desired && total === desired && available === desired;
  const previous = getPath(deployment, ['status', 'conditions']);
  const now = context.now();
  const rsName = asString(fresh?.metadata.name) ?? '';
  const status: JsonObject = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: sum('readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, latest.reduce((t, rs) => t + replicas(rs, 'spec'), 0) - available),
    conditions: [
      condition(
        available >= desired - maxUnavailable
          ? {
              type: 'Available',
              ok: true,
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              ok: false,
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
        previous,
        now,
      ),
      condition(
        complete
          ? {
              type: 'Progressing',
              ok: true,
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${rsName}" has successfully progressed.`,
            }
          : {
              type: 'Progressing',
              ok: true,
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rsName}" is progressing.`,
            },
        previous,
        now,
      ),
    ],
  };
  if (deepEqual(deployment.status, status)) return;
  tolerateRaces(() => {
    context.storage.mutate(
      context.deployments,
      deployment.metadata.namespace,
      deployment.metadata.name ?? '',
      (object) => ({ ...object, status }),
      { subresource: 'status' },
    );
  });
}
