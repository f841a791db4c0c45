import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { DEFAULT_DATA_POLICY, DEFAULT_DATA_WINDOW, type SiteDataPolicy } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { SiteEvents, SiteRegistry } from '../sites';
import { planHubSources } from './hub-sources';
import { applyHubSources, ensureSiteStream } from './hub-sourcing';

/**
 * Keeps the hub's sourcing equal to the registry's data policies: on start and on every site event it
 * re-plans from the whole registry (events are hints, the registry is the truth), ensures each site's stream
 * in its domain, and writes the hub streams' sources when the plan changed. A policy change is recorded as a
 * `data-policy` site event (and a log line). Nothing restarts: a stream update changes its sources live.
 */
@Injectable()
export class EdgeDataPlaneService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EdgeDataPlaneService.name);
  private readonly applied = new Map<string, SiteDataPolicy>();
  private subscription?: Subscription;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly nats: NatsClient,
    private readonly registry: SiteRegistry,
    private readonly events: SiteEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sites.edgeDataPlane) return;
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'registered' || event.type === 'updated' || event.type === 'removed')
        this.schedule();
    });
    this.schedule();
  }

  onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    return this.running;
  }

  /** One reconciliation at a time, in order; a failure is logged and retried on the next event. */
  private schedule(): void {
    this.running = this.running.then(() =>
      this.reconcile().catch((error: unknown) =>
        this.logger.warn({ event: 'edge-sourcing-failed', error: String(error) }),
      ),
    );
  }

  async reconcile(): Promise<void> {
    const prefix = this.config.nats.subjectPrefix;
    const sites = this.registry.list().map((record) => record.site);
    for (const site of sites) {
      // A site whose leaf is not connected yet gets its stream on a later pass; its source waits for it.
      await ensureSiteStream(
        this.nats.connection,
        prefix,
        site.id,
        site.dataWindow ?? DEFAULT_DATA_WINDOW,
      ).catch((error: unknown) =>
        this.logger.warn({ event: 'site-stream-not-ensured', siteId: site.id, error: String(error) }),
      );
    }
    const streams = await applyHubSources(
      await this.nats.connection.jetstreamManager(),
      prefix,
      planHubSources(prefix, sites),
    );
    for (const site of sites) {
      const policy = site.dataPolicy ?? DEFAULT_DATA_POLICY;
      const before = this.applied.get(site.id);
      if (before && before.exports === policy.exports && before.to === policy.to) continue;
      this.applied.set(site.id, policy);
      const at = new Date().toISOString();
      this.events.emit({ type: 'data-policy', siteId: site.id, from: before, to: policy, streams, at });
      this.logger.log({ event: 'data-policy-applied', siteId: site.id, from: before, to: policy, streams });
    }
    for (const id of [...this.applied.keys()]) if (!sites.some((s) => s.id === id)) this.applied.delete(id);
  }
}
