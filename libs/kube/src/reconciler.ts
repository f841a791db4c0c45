import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import {
  deploymentIdOf,
  isOwnedByPolis,
  POLIS_MODELS_NAMESPACE,
  POLIS_OWNED_SELECTOR,
} from '@polis/manifests';
import type { ClusterClient } from './cluster-client';
import { KubeRequestError } from './errors';
import { satisfies } from './drift';
import type { ResilientInformer } from './informer';
import { KeyedWorkQueue } from './keyed-queue';
import { objectKey } from './resource-kinds';

/** Namespaced kinds the reconciler watches, corrects and prunes. */
const WATCHED_KINDS = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
] as const;

export interface ReconcilerOptions {
  /** The one namespace whose objects are watched and pruned (the site kit grants no other). */
  namespace?: string;
  /** Objects reconciled at once (requests are further bounded by the client). */
  concurrency?: number;
  onFailure?: (key: string, error: unknown) => void;
}

export interface ReconcilerStatus {
  desired: number;
  pending: number;
  failures: { key: string; message: string }[];
}

/**
 * Keeps what Polis owns on one cluster equal to a desired set of objects:
 * - applies each desired object (server-side apply, field manager "polis") when it is missing or a
 *   field Polis sets differs, so hand edits and deletions are put back;
 * - deletes objects that carry the Polis labels and a deployment id but are no longer desired;
 * - never touches anything else: it watches only objects labelled managed-by=polis, deletes only
 *   after re-reading the label, never deletes a Namespace, and refuses desired objects without the label.
 * One object key is reconciled at a time (KeyedWorkQueue); failures are retried with backoff.
 */
export class ClusterReconciler {
  private readonly namespace: string;
  private readonly informers = new Map<string, ResilientInformer<KubernetesObject>>();
  private readonly queue: KeyedWorkQueue;
  private desired = new Map<string, KubernetesObject>();
  /** Namespaces applied since they last changed: namespaced objects wait for theirs (else 404). */
  private readonly namespacesApplied = new Map<string, Promise<void>>();

  constructor(
    private readonly client: ClusterClient,
    options: ReconcilerOptions = {},
  ) {
    this.namespace = options.namespace ?? POLIS_MODELS_NAMESPACE;
    this.queue = new KeyedWorkQueue((key) => this.reconcile(key), {
      concurrency: options.concurrency ?? 16,
      backoff: { baseDelayMs: 200, maxDelayMs: 30_000 },
      onFailure: options.onFailure,
    });
    for (const { apiVersion, kind } of WATCHED_KINDS) {
      const informer = client.informer<KubernetesObject>(apiVersion, kind, {
        namespace: this.namespace,
        labelSelector: POLIS_OWNED_SELECTOR,
      });
      // List items carry no apiVersion/kind (the API server leaves them out): the informer's kind is the truth.
      const enqueue = (object: KubernetesObject) =>
        this.queue.add(objectKey({ apiVersion, kind, metadata: object.metadata }));
      informer.on('add', enqueue);
      informer.on('update', enqueue);
      informer.on('delete', enqueue);
      this.informers.set(kind, informer);
    }
  }

  /** Starts watching; does not wait for the cluster (a cluster that is down is retried in the background). */
  start(): void {
    for (const informer of this.informers.values()) informer.startInBackground();
  }

  /** Resolves once every informer has listed its kind once. */
  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.start()));
  }

  /** Replaces the desired set; every object that enters, stays or leaves it is reconciled. */
  setDesired(objects: readonly KubernetesObject[]): void {
    const next = new Map<string, KubernetesObject>();
    for (const object of objects) {
      if (!isOwnedByPolis(object.metadata?.labels))
        throw new RangeError(
          `${objectKey(object)} lacks the Polis ownership label; Polis applies only what it owns`,
        );
      const namespaced = object.kind !== 'Namespace';
      if (namespaced && object.metadata?.namespace !== this.namespace)
        throw new RangeError(`${objectKey(object)} is outside namespace "${this.namespace}"`);
      next.set(objectKey(object), object);
    }
    const previous = this.desired;
    this.desired = next;
    for (const [key, object] of next)
      if (object.kind === 'Namespace' && JSON.stringify(previous.get(key)) !== JSON.stringify(object))
        this.namespacesApplied.delete(object.metadata?.name ?? '');
    for (const key of new Set([...previous.keys(), ...next.keys()])) this.queue.add(key);
  }

  /** True when every desired object was applied and nothing is waiting or failing. */
  get converged(): boolean {
    return this.queue.idle && this.queue.failed().size === 0;
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  /** Desired Deployments whose rollout is complete and whose replicas are all ready. */
  readiness(): { deployments: number; ready: number } {
    let deployments = 0;
    let ready = 0;
    for (const object of this.desired.values()) {
      if (object.kind !== 'Deployment') continue;
      deployments += 1;
      const live = this.live(object) as V1Deployment | undefined;
      if (live && isRolledOut(live)) ready += 1;
    }
    return { deployments, ready };
  }

  status(): ReconcilerStatus {
    return {
      desired: this.desired.size,
      pending: this.queue.size,
      failures: [...this.queue.failed()].map(([key, error]) => ({
        key,
        message: error instanceof Error ? error.message : String(error),
      })),
    };
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  private live(ref: KubernetesObject): KubernetesObject | undefined {
    return this.informers.get(ref.kind ?? '')?.get(ref.metadata?.name ?? '', ref.metadata?.namespace);
  }

  private async reconcile(key: string): Promise<void> {
    const desired = this.desired.get(key);
    if (desired?.kind === 'Namespace') return this.ensureNamespace(desired.metadata?.name ?? '');
    if (desired) {
      const live = this.live(desired);
      if (live && satisfies(desired, live)) return;
      await this.ensureNamespace(desired.metadata?.namespace ?? '');
      try {
        await this.client.apply(desired);
      } catch (error) {
        // The namespace may have been deleted by hand: apply it again on the next attempt.
        if (error instanceof KubeRequestError && error.failure === 'not-found')
          this.namespacesApplied.delete(desired.metadata?.namespace ?? '');
        throw error;
      }
      return;
    }
    const stray = this.findLive(key);
    if (stray && isPrunable(stray)) await this.client.deleteOwned(stray);
  }

  /** Applies a desired Namespace once (shared by every object in it); a failure is retried by the next caller. */
  private ensureNamespace(name: string): Promise<void> {
    const namespace = [...this.desired.values()].find(
      (o) => o.kind === 'Namespace' && o.metadata?.name === name,
    );
    if (!namespace) return Promise.resolve();
    let applied = this.namespacesApplied.get(name);
    if (!applied) {
      applied = this.client.apply(namespace).then(() => undefined);
      applied.catch(() => this.namespacesApplied.delete(name));
      this.namespacesApplied.set(name, applied);
    }
    return applied;
  }

  /** The live object a key names, with apiVersion and kind filled in from the watched kind. */
  private findLive(key: string): KubernetesObject | undefined {
    const [, kind = '', namespace, name = ''] = key.split('/');
    const watched = WATCHED_KINDS.find((k) => k.kind === kind);
    const live = watched && this.informers.get(kind)?.get(name, namespace);
    return live && { ...live, apiVersion: watched.apiVersion, kind };
  }
}

/** Only per-deployment objects are pruned: shared ones (the namespace) outlive every deployment. */
function isPrunable(object: KubernetesObject): boolean {
  return object.kind !== 'Namespace' && deploymentIdOf(object.metadata?.labels) !== undefined;
}

export function isRolledOut(deployment: V1Deployment): boolean {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status;
  return (
    (status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status?.updatedReplicas ?? 0) >= wanted &&
    (status?.readyReplicas ?? 0) >= wanted
  );
}
