import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config';
import { SiteClusters } from './site-clusters';
import { SiteEvents } from './site-events';
import { SiteRegistry } from './site-registry.service';
import {
  failedStatus,
  overdueStatus,
  PENDING_STATUS,
  reachableStatus,
  statusChanged,
  type SiteStatus,
} from './site-status';

/**
 * Checks every registered site on a fixed interval (and at once when one is registered or changed):
 * reachable or not, nodes Ready, node inventory and capacity. Each site is checked on its own, with
 * the client's per-request deadline, so a site that is down costs its own check and nothing else.
 */
@Injectable()
export class SiteMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SiteMonitor.name);
  private readonly statuses = new Map<string, SiteStatus>();
  /** Sites being checked, with when the check started. */
  private readonly checking = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;

  constructor(
    private readonly registry: SiteRegistry,
    private readonly clusters: SiteClusters,
    private readonly events: SiteEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'registered' || event.type === 'updated') void this.check(event.siteId);
      if (event.type === 'removed') void this.forget(event.siteId);
    });
    this.timer = setInterval(() => this.checkAll(), this.config.sites.monitorIntervalMs);
    this.timer.unref();
    this.checkAll();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  /** The last check's result, or "not answering" while a check has been running past a request's deadline. */
  status(siteId: string): SiteStatus {
    const last = this.statuses.get(siteId) ?? PENDING_STATUS;
    const startedAt = this.checking.get(siteId);
    return startedAt === undefined
      ? last
      : overdueStatus(last, startedAt, Date.now(), this.config.kube.requestTimeoutMs);
  }

  /** Checks one site now; a check already running for it is not doubled. Never throws. */
  async check(siteId: string): Promise<SiteStatus> {
    if (this.checking.has(siteId)) return this.status(siteId);
    this.checking.set(siteId, Date.now());
    const before = this.statuses.get(siteId) ?? PENDING_STATUS;
    let after: SiteStatus;
    try {
      const client = await this.clusters.client(siteId, this.registry.kubeconfigOf(siteId));
      const [version, inventory] = await Promise.all([client.version(), client.inventory()]);
      after = reachableStatus(inventory, version.gitVersion, new Date());
    } catch (error) {
      after = failedStatus(before, error, new Date());
    } finally {
      this.checking.delete(siteId);
    }
    // The site may have been removed while it was being checked.
    if (!this.registry.list().some((record) => record.site.id === siteId)) return after;
    this.statuses.set(siteId, after);
    if (statusChanged(before, after)) {
      this.logger.log({ event: 'site-status', siteId, state: after.state, reason: after.reason });
      this.events.emit({
        type: 'status',
        siteId,
        state: after.state,
        reason: after.reason,
        nodes: after.nodes,
        at: after.checkedAt ?? new Date().toISOString(),
      });
    }
    return after;
  }

  private checkAll(): void {
    for (const record of this.registry.list()) void this.check(record.site.id);
  }

  private async forget(siteId: string): Promise<void> {
    this.statuses.delete(siteId);
    await this.clusters.remove(siteId);
  }
}
