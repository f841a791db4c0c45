import type { KubeConfig, KubernetesListObject, KubernetesObject, ListWatch } from '@kubernetes/client-node';
import { clientNode } from './client-node';
import { retryDelayMs, type RetryPolicy } from './retry';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  kubeconfig: KubeConfig;
  /** Collection path, e.g. /apis/apps/v1/namespaces/polis-models/deployments. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  /** Backoff between restarts after the list or the watch failed. */
  backoff: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** Each (re)connection: one list and/or one watch request. */
  onConnect?: () => void;
  onError?: (error: unknown) => void;
}

/**
 * client-node's informer (makeInformer: list, then watch from the list's resourceVersion, with a
 * local cache) made to keep going. client-node resumes a watch that ends cleanly from the last
 * resourceVersion it saw, and relists on 410 Gone; on any other failure it stops. This restarts it
 * with jittered exponential backoff, resuming from the last resourceVersion, until stop().
 */
export class ResilientInformer<T extends KubernetesObject> {
  private readonly inner: ListWatch<T>;
  private stopped = true;
  private attempt = 0;
  private restartTimer?: NodeJS.Timeout;
  private failedSinceStart = false;
  private markSynced!: () => void;
  private readonly syncedPromise = new Promise<void>((resolve) => (this.markSynced = resolve));
  private isSynced = false;
  private lastFailure?: unknown;

  constructor(private readonly options: InformerOptions<T>) {
    const k8s = clientNode();
    // What makeInformer builds, constructed directly so its cache (get/list) is typed too.
    const watch = new k8s.Watch(options.kubeconfig);
    this.inner = new k8s.ListWatch<T>(options.path, watch, options.list, false, options.labelSelector);
    this.inner.on('connect', () => options.onConnect?.());
    this.inner.on('error', (error: unknown) => this.failed(error));
  }

  get synced(): boolean {
    return this.isSynced;
  }

  /** The last failure, until the next successful (re)connection. */
  get failure(): unknown {
    return this.lastFailure;
  }

  on(event: InformerEvent, callback: (object: T) => void): void {
    this.inner.on(event, callback);
  }

  list(namespace?: string): readonly T[] {
    return this.inner.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.inner.get(name, namespace);
  }

  /** Starts listing and watching; resolves once the first list has filled the cache. */
  async start(): Promise<void> {
    if (!this.stopped) return this.syncedPromise;
    this.stopped = false;
    void this.run();
    return this.syncedPromise;
  }

  /** Starts without waiting for the first list (a cluster that is down must not block the caller). */
  startInBackground(): void {
    void this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.inner.stop();
  }

  private async run(): Promise<void> {
    this.failedSinceStart = false;
    await this.inner.start();
    if (this.failedSinceStart || this.stopped) return;
    this.attempt = 0;
    this.lastFailure = undefined;
    if (!this.isSynced) {
      this.isSynced = true;
      this.markSynced();
    }
  }

  private failed(error: unknown): void {
    this.failedSinceStart = true;
    this.lastFailure = error;
    this.options.onError?.(error);
    if (this.stopped || this.restartTimer) return;
    const delay = retryDelayMs(this.attempt, this.options.backoff, Math.random);
    this.attempt += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.run();
    }, delay);
  }
}
