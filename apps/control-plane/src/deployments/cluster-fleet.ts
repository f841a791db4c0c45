import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { Subject, type Observable } from 'rxjs';
import type { Resources } from '@polis/placement';
import { SiteClusters, SiteRegistry } from '../sites';
import { SiteCluster } from './site-cluster';

/**
 * One SiteCluster per registered site, on the pool's client for it. A site whose kubeconfig changed gets
 * a new one (the pool replaced the client) that takes over the desired set; a site no longer registered
 * is let go (its objects stay: without its kubeconfig Polis cannot reach it anyway).
 */
@Injectable()
export class ClusterFleet implements OnModuleDestroy {
  private readonly logger = new Logger(ClusterFleet.name);
  private readonly clusters = new Map<string, SiteCluster>();
  private readonly changed = new Subject<string>();
  /** Ids of sites where Polis's informers saw something change. */
  readonly changes$: Observable<string> = this.changed.asObservable();

  constructor(
    private readonly registry: SiteRegistry,
    private readonly pool: SiteClusters,
  ) {}

  get(siteId: string): SiteCluster | undefined {
    return this.clusters.get(siteId);
  }

  deployment(siteId: string, name: string): V1Deployment | undefined {
    return this.clusters.get(siteId)?.deployment(name);
  }

  polisRequests(siteId: string): ReadonlyMap<string, Resources> {
    return this.clusters.get(siteId)?.polisRequestsByNode() ?? new Map();
  }

  /**
   * Hands each cluster its desired objects, except the frozen ones: a site in trouble keeps what it was
   * last given (nothing is pruned there while it is away, so what runs there is still there on return),
   * and a site not checked yet is left alone until Polis knows what it has.
   */
  async sync(
    objectsBySite: ReadonlyMap<string, readonly KubernetesObject[]>,
    frozen: ReadonlySet<string>,
  ): Promise<void> {
    const registered = new Set(this.registry.list().map((r) => r.site.id));
    for (const [siteId, cluster] of this.clusters)
      if (!registered.has(siteId)) {
        this.clusters.delete(siteId);
        await cluster.stop();
      }
    for (const siteId of registered) {
      const cluster = await this.ensure(siteId);
      if (cluster && !frozen.has(siteId)) cluster.setDesired(objectsBySite.get(siteId) ?? []);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const clusters = [...this.clusters.values()];
    this.clusters.clear();
    await Promise.all(clusters.map((c) => c.stop()));
  }

  private async ensure(siteId: string): Promise<SiteCluster | undefined> {
    let client;
    try {
      client = await this.pool.client(siteId, this.registry.kubeconfigOf(siteId));
    } catch (error) {
      // A kubeconfig that cannot be used (or a key that cannot decrypt it): the monitor reports it.
      this.logger.debug({ event: 'cluster-unavailable', siteId, error: String(error) });
      return this.clusters.get(siteId);
    }
    const current = this.clusters.get(siteId);
    if (current?.client === client) return current;
    const next = new SiteCluster(siteId, client, () => this.changed.next(siteId));
    next.start();
    if (current) {
      if (current.desired) next.setDesired(current.desired);
      await current.stop();
    }
    this.clusters.set(siteId, next);
    return next;
  }
}
