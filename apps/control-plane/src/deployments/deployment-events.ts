import { Inject, Injectable, Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import type { DeploymentState } from './status';
import type { RolloutCause, RolloutPhase } from './rollout';

/** A change of where a target site's replicas run (see serving-changes.ts). */
export interface ServingChangeEvent {
  type: 'failover' | 'offload' | 'return';
  deploymentId: string;
  /** The target site whose replicas moved. */
  siteId: string;
  /** Where they run now: central sites (failover, offload) or the site itself (return). */
  runsOn: string[];
  /** What those replicas run. */
  version: string;
  reason: string;
}

export type EventBody =
  | { type: 'created' | 'updated'; deploymentId: string; revision: number }
  | { type: 'deleted'; deploymentId: string }
  | { type: 'status'; deploymentId: string; state: DeploymentState; reason?: string }
  | {
      type: 'rollout';
      deploymentId: string;
      phase: RolloutPhase;
      /** The phase it left; absent when a new rollout starts. */
      previousPhase?: RolloutPhase;
      fromVersion: string | null;
      toVersion: string;
      reason?: string;
      cause?: RolloutCause;
      /** The site whose heartbeats breached, when that rolled it back. */
      siteId?: string;
    }
  | {
      /** Sites switched to the new version in one step of a rollout. */
      type: 'rollout-step';
      deploymentId: string;
      siteIds: string[];
      fromVersion: string | null;
      toVersion: string;
    }
  | {
      /** A version rolled back on its SLO is marked in the registry. */
      type: 'quarantined';
      deploymentId: string;
      model: string;
      version: string;
      siteId?: string;
      reason: string;
    }
  | ServingChangeEvent
  | {
      /** A reconcile pass, or its plan, failed; the previous plan and objects stay. */
      type: 'reconcile-failed';
      stage: 'pass' | 'plan';
      error: string;
    }
  | {
      type: 'planned';
      trigger: string;
      placed: number;
      offloaded: number;
      unplaced: number;
      moved: number;
    };

/** One event as published: a sequence number of this process and the time. */
export type DeploymentEvent = EventBody & { seq: number; at: string };

export function deploymentEventsSubject(prefix: string): string {
  return `${prefix}.events.deployments`;
}

const RING_SIZE = 1000;

/**
 * Every change of desired state, plan, status and rollout: on NATS core for other processes, in process as
 * an Observable (the SSE stream), and in a ring of the last events so a client that connects late, or
 * reconnects with the last seq it saw, gets what it missed.
 */
@Injectable()
export class DeploymentEvents {
  private readonly logger = new Logger(DeploymentEvents.name);
  private readonly subject = new Subject<DeploymentEvent>();
  private readonly ring: DeploymentEvent[] = [];
  private seq = 0;
  readonly events$: Observable<DeploymentEvent> = this.subject.asObservable();

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  emit(body: EventBody): void {
    const event = { ...body, seq: ++this.seq, at: new Date().toISOString() } as DeploymentEvent;
    this.ring.push(event);
    if (this.ring.length > RING_SIZE) this.ring.shift();
    this.subject.next(event);
    try {
      this.nats.connection.publish(
        deploymentEventsSubject(this.config.nats.subjectPrefix),
        JSON.stringify(event),
      );
    } catch (error) {
      this.logger.warn({ event: 'deployment-event-not-published', type: event.type, error: String(error) });
    }
  }

  /** Events after `seq` still in the ring (all of them when seq is 0), oldest first. */
  since(seq = 0): DeploymentEvent[] {
    return this.ring.filter((event) => event.seq > seq);
  }
}
