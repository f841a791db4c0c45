import { Inject, Injectable, Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import type { SiteDataPolicy } from '@polis/contracts';
import type { SiteState } from './site-status';

export type SiteEvent =
  | { type: 'registered' | 'updated'; siteId: string; revision: number; at: string }
  | { type: 'removed'; siteId: string; at: string }
  /** The hub's sourcing now follows a new data policy of the site (`from` undefined: first applied). */
  | {
      type: 'data-policy';
      siteId: string;
      from?: SiteDataPolicy;
      to: SiteDataPolicy;
      streams: string[];
      at: string;
    }
  | {
      type: 'status';
      siteId: string;
      state: SiteState;
      reason?: string;
      nodes: { total: number; ready: number };
      at: string;
    };

/** NATS subject the site events go out on, for other processes (the reconciler, dashboards). */
export function siteEventsSubject(prefix: string): string {
  return `${prefix}.events.sites`;
}

/**
 * Site events, in process (an Observable the reconciler subscribes to) and on NATS core. Events are
 * hints to look again, not a log: a subscriber that missed some reads the registry.
 */
@Injectable()
export class SiteEvents {
  private readonly logger = new Logger(SiteEvents.name);
  private readonly subject = new Subject<SiteEvent>();
  readonly events$: Observable<SiteEvent> = this.subject.asObservable();

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  emit(event: SiteEvent): void {
    this.subject.next(event);
    try {
      this.nats.connection.publish(siteEventsSubject(this.config.nats.subjectPrefix), JSON.stringify(event));
    } catch (error) {
      this.logger.warn({ event: 'site-event-not-published', type: event.type, error: String(error) });
    }
  }
}
