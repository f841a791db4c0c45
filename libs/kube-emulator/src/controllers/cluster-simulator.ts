/**
 * The control loops of one emulated cluster: deployment and replicaset controllers, the
 * scheduler and the kubelets. Driven by store events and batched on the next macrotask, so a
 * burst of writes is reconciled once.
 */
import { deepEqual, getPath, isObject } from '../model/json';
import { resourceKey } from '../model/resources';
import type { KubeObject } from '../model/types';
import type { ObjectStore, StoreEvent } from '../store/object-store';
import { controllerOf, isPodReady, tolerateRaces, type ControllerContext } from './context';
import { reconcileDeployment } from './deployment-controller';
import { readinessStatus, runningStatus, scheduledStatus, unschedulableStatus } from './kubelet';
import { isNodeReady } from './nodes';
import { reconcileReplicaSet } from './replicaset-controller';
import { addUsage, nodeView, podRequests, schedulePod, type ResourceAmounts } from './scheduler';

/** Hooks for running real workloads behind emulated pods. Errors they throw are reported, not fatal. */
export interface PodLifecycleHooks {
  /** A pod was bound and is now Running and Ready. */
  onPodRunning?: (pod: KubeObject) => void | Promise<void>;
  /** A pod that had been running was deleted. */
  onPodDeleted?: (pod: KubeObject) => void | Promise<void>;
}

export interface SimulatorOptions {
  /** Time from binding to Running/Ready. */
  podStartDelayMs: number;
  hooks: PodLifecycleHooks;
  onError: (error: unknown) => void;
}

function key(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

function isTerminal(pod: KubeObject): boolean {
  const phase = getPath(pod, ['status', 'phase']);
  return phase === 'Succeeded' || phase === 'Failed';
}

export class ClusterSimulator {
  private readonly dirtyDeployments = new Set<string>();
  private readonly dirtyReplicaSets = new Set<string>();
  private readonly startTimers = new Map<string, NodeJS.Timeout>();
  private scheduleNeeded = false;
  /** Pods whose kubelet may have something to do; every pod after a node changed. */
  private readonly kubeletPods = new Set<string>();
  private kubeletAllPods = false;
  private pending: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;
  private podIpCounter = 0;
  private readonly keys: { pods: string; replicaSets: string; deployments: string; nodes: string };

  constructor(
    private readonly context: ControllerContext,
    private readonly store: ObjectStore,
    private readonly options: SimulatorOptions,
  ) {
    this.keys = {
      pods: resourceKey(context.pods),
      replicaSets: resourceKey(context.replicaSets),
      deployments: resourceKey(context.deployments),
      nodes: resourceKey(context.nodes),
    };
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.subscribe((event) => this.observe(event));
    for (const deployment of this.context.storage.list(this.context.deployments))
      this.dirtyDeployments.add(key(deployment));
    for (const replicaSet of this.context.storage.list(this.context.replicaSets))
      this.dirtyReplicaSets.add(key(replicaSet));
    this.scheduleNeeded = true;
    this.kubeletAllPods = true;
    this.wake();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
    for (const timer of this.startTimers.values()) clearTimeout(timer);
    this.startTimers.clear();
  }

  /** True while nothing is waiting to be reconciled or started. */
  get idle(): boolean {
    return !this.pending && this.startTimers.size === 0;
  }

  private observe(event: StoreEvent): void {
    const object = event.object;
    switch (event.resource) {
      case this.keys.deployments:
        if (event.type !== 'DELETED') this.dirtyDeployments.add(key(object));
        break;
      case this.keys.replicaSets: {
        if (event.type !== 'DELETED') this.dirtyReplicaSets.add(key(object));
        const owner = controllerOf(object);
        if (owner?.kind === 'Deployment')
          this.dirtyDeployments.add(`${object.metadata.namespace ?? ''}/${owner.name}`);
        break;
      }
      case this.keys.pods: {
        const owner = controllerOf(object);
        if (owner?.kind === 'ReplicaSet')
          this.dirtyReplicaSets.add(`${object.metadata.namespace ?? ''}/${owner.name}`);
        this.scheduleNeeded = true;
        if (event.type === 'DELETED') this.podDeleted(object, event.previous);
        else this.kubeletPods.add(key(object));
        break;
      }
      case this.keys.nodes:
        this.scheduleNeeded = true;
        this.kubeletAllPods = true;
        break;
      default:
        return;
    }
    this.wake();
  }

  private wake(): void {
    if (!this.pending && this.unsubscribe) this.pending = setImmediate(() => this.run());
  }

  private run(): void {
    this.pending = undefined;
    try {
      this.reconcileAll(this.dirtyDeployments, this.context.deployments, reconcileDeployment);
      this.reconcileAll(this.dirtyReplicaSets, this.context.replicaSets, reconcileReplicaSet);
      if (this.scheduleNeeded) {
        this.scheduleNeeded = false;
        this.schedule();
      }
      if (this.kubeletAllPods || this.kubeletPods.size > 0) this.runKubelets();
    } catch (error) {
      this.options.onError(error);
    }
  }

  private reconcileAll(
    dirty: Set<string>,
    type: ControllerContext['deployments'],
    reconcile: (context: ControllerContext, object: KubeObject) => void,
  ): void {
    const keys = [...dirty];
    dirty.clear();
    for (const objectKey of keys) {
      const [namespace = '', name = ''] = objectKey.split('/');
      const object = this.context.storage.find(type, namespace, name);
      if (object) reconcile(this.context, object);
    }
  }

  private schedule(): void {
    const { storage, pods: podType, nodes: nodeType } = this.context;
    const pods = storage.list(podType);
    const unbound = pods.filter((pod) => !getPath(pod, ['spec', 'nodeName']) && !isTerminal(pod));
    if (unbound.length === 0) return;
    const nodes = storage.list(nodeType).map(nodeView);
    const usage = new Map<string, ResourceAmounts>();
    for (const pod of pods) {
      const node = getPath(pod, ['spec', 'nodeName']);
      if (typeof node === 'string' && !isTerminal(pod)) addUsage(usage, node, podRequests(pod));
    }
    unbound.sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    );
    const now = this.context.now();
    for (const pod of unbound) {
      const decision = schedulePod(pod, nodes, usage);
      const namespace = pod.metadata.namespace;
      const name = pod.metadata.name ?? '';
      tolerateRaces(() => {
        if (decision.kind === 'bound') {
          addUsage(usage, decision.node, podRequests(pod));
          storage.mutate(
            podType,
            namespace,
            name,
            (current) => ({
              ...current,
              spec: { ...(isObject(current.spec) ? current.spec : {}), nodeName: decision.node },
              status: scheduledStatus(current, now),
            }),
            { subresource: 'binding' },
          );
        } else {
          const status = unschedulableStatus(pod, decision.message, now);
          if (!deepEqual(status, pod.status)) {
            storage.mutate(podType, namespace, name, (current) => ({ ...current, status }), {
              subresource: 'status',
            });
          }
        }
      });
    }
  }

  /**
   * Starts bound pods after the configured delay and mirrors node readiness onto running pods:
   * for the pods that changed since the last run, or for all of them when a node changed.
   */
  private runKubelets(): void {
    const { storage, pods: podType, nodes: nodeType } = this.context;
    const pods = this.kubeletAllPods
      ? storage.list(podType)
      : [...this.kubeletPods].flatMap((podKey) => {
          const [namespace = '', name = ''] = podKey.split('/');
          return storage.find(podType, namespace, name) ?? [];
        });
    this.kubeletAllPods = false;
    this.kubeletPods.clear();
    const nodes = new Map(storage.list(nodeType).map((node) => [node.metadata.name ?? '', node]));
    const now = this.context.now();
    for (const pod of pods) {
      const nodeName = getPath(pod, ['spec', 'nodeName']);
      const node = typeof nodeName === 'string' ? nodes.get(nodeName) : undefined;
      if (!node || isTerminal(pod)) continue;
      const nodeReady = isNodeReady(node);
      const phase = getPath(pod, ['status', 'phase']);
      if (phase === 'Pending' && nodeReady && !this.startTimers.has(key(pod))) {
        this.scheduleStart(pod, node);
      } else if (phase === 'Running' && isPodReady(pod) !== nodeReady) {
        tolerateRaces(() => {
          storage.mutate(
            podType,
            pod.metadata.namespace,
            pod.metadata.name ?? '',
            (current) => ({ ...current, status: readinessStatus(current, nodeReady, now) }),
            {
              subresource: 'status',
            },
          );
        });
      }
    }
  }

  private scheduleStart(pod: KubeObject, node: KubeObject): void {
    const podKey = key(pod);
    const hostIP =
      (getPath(node, ['status', 'addresses']) as { type: string; address: string }[] | undefined)?.find(
        (a) => a.type === 'InternalIP',
      )?.address ?? '10.0.0.1';
    const timer = setTimeout(() => {
      this.startTimers.delete(podKey);
      const { storage, pods: podType } = this.context;
      const current = storage.find(podType, pod.metadata.namespace, pod.metadata.name ?? '');
      if (
        !current ||
        current.metadata.uid !== pod.metadata.uid ||
        getPath(current, ['status', 'phase']) !== 'Pending'
      )
        return;
      try {
        const running = storage.mutate(
          podType,
          pod.metadata.namespace,
          pod.metadata.name ?? '',
          (object) => ({
            ...object,
            status: runningStatus(object, { hostIP, podIP: this.allocatePodIp() }, this.context.now()),
          }),
          { subresource: 'status' },
        );
        this.notify(this.options.hooks.onPodRunning, running);
      } catch (error) {
        this.options.onError(error);
      }
    }, this.options.podStartDelayMs);
    this.startTimers.set(podKey, timer);
  }

  private podDeleted(pod: KubeObject, previous: KubeObject | undefined): void {
    const podKey = key(pod);
    const timer = this.startTimers.get(podKey);
    if (timer) {
      clearTimeout(timer);
      this.startTimers.delete(podKey);
    }
    if (getPath(previous ?? pod, ['status', 'phase']) === 'Running')
      this.notify(this.options.hooks.onPodDeleted, pod);
  }

  private notify(hook: ((pod: KubeObject) => void | Promise<void>) | undefined, pod: KubeObject): void {
    if (!hook) return;
    try {
      Promise.resolve(hook(pod)).catch((error: unknown) => this.options.onError(error));
    } catch (error) {
      this.options.onError(error);
    }
  }

  private allocatePodIp(): string {
    this.podIpCounter += 1;
    return `10.42.${Math.floor(this.podIpCounter / 250) % 250}.${(this.podIpCounter % 250) + 2}`;
  }
}
