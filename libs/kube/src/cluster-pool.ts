import { createHash } from 'node:crypto';
import { ClusterClient } from './cluster-client';
import { parseKubeconfig } from './kubeconfig';
import type { RetryPolicy } from './retry';
import { Semaphore } from './semaphore';

export interface ClusterPoolOptions {
  requestTimeoutMs: number;
  maxInflightPerCluster: number;
  maxInflightTotal: number;
  retry?: RetryPolicy;
}

/**
 * One ClusterClient per cluster, kept while its kubeconfig stays the same (so connections and
 * informers are reused), all sharing one global limit on requests in flight.
 */
export class ClusterPool {
  private readonly globalLimit: Semaphore;
  private readonly clients = new Map<string, { fingerprint: string; client: ClusterClient }>();

  constructor(private readonly options: ClusterPoolOptions) {
    this.globalLimit = new Semaphore(options.maxInflightTotal);
  }

  /**
   * The client of a cluster, created (or replaced, when the kubeconfig changed) on demand.
   * Throws KubeconfigError for a kubeconfig that cannot be used.
   */
  async client(name: string, kubeconfig: string): Promise<ClusterClient> {
    const fingerprint = createHash('sha256').update(kubeconfig).digest('hex');
    const current = this.clients.get(name);
    if (current?.fingerprint === fingerprint) return current.client;
    const client = this.create(name, kubeconfig);
    this.clients.set(name, { fingerprint, client });
    await current?.client.close();
    return client;
  }

  /** A client outside the pool (e.g. to probe a kubeconfig before accepting it); the caller closes it. */
  create(name: string, kubeconfig: string, overrides: Partial<ClusterPoolOptions> = {}): ClusterClient {
    const options = { ...this.options, ...overrides };
    return new ClusterClient(name, parseKubeconfig(kubeconfig), {
      timeoutMs: options.requestTimeoutMs,
      maxInflight: options.maxInflightPerCluster,
      globalLimit: this.globalLimit,
      retry: options.retry,
    });
  }

  get(name: string): ClusterClient | undefined {
    return this.clients.get(name)?.client;
  }

  names(): string[] {
    return [...this.clients.keys()];
  }

  async remove(name: string): Promise<void> {
    const entry = this.clients.get(name);
    this.clients.delete(name);
    await entry?.client.close();
  }

  /** API requests sent per cluster so far. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.clients].map(([name, { client }]) => [name, client.stats.requests]));
  }

  async close(): Promise<void> {
    const entries = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(entries.map(({ client }) => client.close()));
  }
}
