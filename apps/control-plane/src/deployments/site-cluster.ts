import { createHash } from 'node:crypto';
import type { KubernetesObject, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { ClusterReconciler, podRequests, type ClusterClient, type ResilientInformer } from '@polis/kube';
import { POLIS_MODELS_NAMESPACE, POLIS_OWNED_SELECTOR } from '@polis/manifests';
import type { Resources } from '@polis/placement';

/**
 * Polis's hands and eyes on one site's cluster: the reconciler that keeps the desired objects applied
 * (and prunes what is no longer desired), and informers over the Deployments and pods Polis owns there,
 * for readiness and for the resources Polis itself uses on each node. Built on the pool's client for the
 * site; replaced when that client is (new kubeconfig).
 */
export class SiteCluster {
  private readonly reconciler: ClusterReconciler;
  private readonly deployments: ResilientInformer<V1Deployment>;
  private readonly pods: ResilientInformer<V1Pod>;
  private desiredFingerprint?: string;
  private reconciling = false;
  private desiredObjects: readonly KubernetesObject[] = [];

  constructor(
    readonly siteId: string,
    readonly client: ClusterClient,
    onChange: () => void,
  ) {
    this.reconciler = new ClusterReconciler(client, { namespace: POLIS_MODELS_NAMESPACE });
    const scope = { namespace: POLIS_MODELS_NAMESPACE, labelSelector: POLIS_OWNED_SELECTOR };
    this.deployments = client.informer<V1Deployment>('apps/v1', 'Deployment', scope);
    this.pods = client.informer<V1Pod>('v1', 'Pod', scope);
    for (const informer of [this.deployments, this.pods] as ResilientInformer<KubernetesObject>[]) {
      informer.on('add', onChange);
      informer.on('update', onChange);
      informer.on('delete', onChange);
    }
  }

  /** Starts watching. Nothing is applied or pruned before the first desired set is given. */
  start(): void {
    this.deployments.startInBackground();
    this.pods.startInBackground();
  }

  /**
   * Replaces the desired set when it changed; an unchanged set is not handed over again. The reconciler
   * starts with the first set: started earlier, it would take every Polis object it lists for a stray.
   */
  setDesired(objects: readonly KubernetesObject[]): void {
    const fingerprint = createHash('sha256').update(JSON.stringify(objects)).digest('hex');
    if (fingerprint === this.desiredFingerprint) return;
    this.reconciler.setDesired(objects);
    if (!this.reconciling) {
      this.reconciling = true;
      this.reconciler.start();
    }
    this.desiredFingerprint = fingerprint;
    this.desiredObjects = objects;
  }

  /** What was last handed to the reconciler (undefined before the first set): kept while the site is frozen. */
  get desired(): readonly KubernetesObject[] | undefined {
    return this.reconciling ? this.desiredObjects : undefined;
  }

  /** The informers have listed and are watching: their cache is the cluster as it is now. */
  watching(): boolean {
    return [this.deployments, this.pods].every((i) => i.synced && i.failure === undefined);
  }

  deployment(name: string): V1Deployment | undefined {
    return this.deployments.get(name, POLIS_MODELS_NAMESPACE);
  }

  /** Requests of Polis's pods that still hold resources, per node. */
  polisRequestsByNode(): Map<string, Resources> {
    const byNode = new Map<string, Resources>();
    for (const pod of this.pods.list(POLIS_MODELS_NAMESPACE)) {
      const node = pod.spec?.nodeName;
      if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const requests = podRequests(pod);
      const sum = byNode.get(node) ?? { cpuMillicores: 0, memoryBytes: 0, accelerators: {} };
      const accelerators = { ...sum.accelerators };
      for (const [name, amount] of Object.entries(requests.accelerators))
        accelerators[name] = (accelerators[name] ?? 0) + amount;
      byNode.set(node, {
        cpuMillicores: sum.cpuMillicores + requests.cpuMillicores,
        memoryBytes: sum.memoryBytes + requests.memoryBytes,
        accelerators,
      });
    }
    return byNode;
  }

  failures(): { key: string; message: string }[] {
    return this.reconciler.status().failures;
  }

  async stop(): Promise<void> {
    await Promise.all([this.reconciler.stop(), this.deployments.stop(), this.pods.stop()]);
  }
}
