import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'nats';
import { Subject, type Observable } from 'rxjs';
import { heartbeatSubject } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { heartbeatSchema, owningDeploymentId, type Heartbeat } from './heartbeat';

/** Heartbeats kept per deployment: enough for any analysis window at a few runners, bounded regardless. */
const MAX_BEATS_PER_DEPLOYMENT = 2000;
const MAX_AGE_MS = 60 * 60_000;

interface Received {
  at: number;
  beat: Heartbeat;
}

/**
 * Listens to every runner's heartbeat and keeps the recent ones per deployment, for rollouts to judge a new
 * version by. Malformed heartbeats are counted and dropped.
 */
@Injectable()
export class HeartbeatMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HeartbeatMonitor.name);
  private readonly beats = new Map<string, Received[]>();
  private readonly received = new Subject<string>();
  private readonly accepted = new Subject<Heartbeat>();
  private readonly refused = new Subject<void>();
  private subscription?: Subscription;
  private malformed = 0;
  /** Ids of deployments a heartbeat just arrived for. */
  readonly received$: Observable<string> = this.received.asObservable();
  /** Every valid heartbeat, as received (for the runner metrics). */
  readonly beats$: Observable<Heartbeat> = this.accepted.asObservable();
  /** One per malformed heartbeat. */
  readonly malformed$: Observable<void> = this.refused.asObservable();

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.subscription = this.nats.connection.subscribe(
      heartbeatSubject(this.config.nats.subjectPrefix, '*', '*'),
      {
        callback: (error, message) => {
          if (error) return;
          this.accept(message.data, Date.now());
        },
      },
    );
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  get malformedCount(): number {
    return this.malformed;
  }

  /** Heartbeats of one deployment's runners at one version received since `sinceMs`, oldest first. */
  beatsFor(deploymentId: string, version: string, sinceMs: number): Heartbeat[] {
    return (this.beats.get(deploymentId) ?? [])
      .filter((r) => r.at >= sinceMs && r.beat.model.version === version)
      .map((r) => r.beat);
  }

  forget(deploymentId: string): void {
    this.beats.delete(deploymentId);
  }

  private accept(data: Uint8Array, now: number): void {
    let parsed;
    try {
      parsed = heartbeatSchema.safeParse(JSON.parse(Buffer.from(data).toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.malformed += 1;
      this.refused.next();
      if (this.malformed === 1 || this.malformed % 1000 === 0)
        this.logger.warn({ event: 'heartbeat-malformed', count: this.malformed });
      return;
    }
    const id = owningDeploymentId(parsed.data.deploymentId);
    const kept = (this.beats.get(id) ?? []).filter((r) => now - r.at <= MAX_AGE_MS);
    kept.push({ at: now, beat: parsed.data });
    this.beats.set(id, kept.slice(-MAX_BEATS_PER_DEPLOYMENT));
    this.received.next(id);
    this.accepted.next(parsed.data);
  }
}
