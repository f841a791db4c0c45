import { Inject, Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { PolisError } from '../common';
import { APP_CONFIG, type AppConfig } from '../config';
import { DeploymentEvents } from './deployment-events';
import type { DeploymentSpecBody } from './deployment.schema';
import { assessHeartbeats } from './heartbeat';
import { HeartbeatMonitor } from './heartbeat-monitor.service';
import {
  ACTIVE_PHASES,
  advanceRollout,
  pauseRollout,
  resumeRollout,
  rollBack,
  RolloutCommandError,
  stableVersion,
  startRollout,
  versionFor,
  type RolloutState,
} from './rollout';
import { rolloutEvents } from './rollout-events';
import { RolloutStore } from './rollout.store';
import { RollbackSettler } from './rollback-settler.service';

/**
 * Drives each deployment's rollout: starts one when the desired version changes, advances it on what the
 * clusters and the runners' heartbeats say, and applies operators' pause / resume / rollback. The state
 * machine itself is pure (rollout.ts); this keeps the states, stores them and announces changes.
 */
@Injectable()
export class RolloutController {
  private readonly commanded = new Subject<string>();
  /** Ids of deployments an operator just paused, resumed or rolled back. */
  readonly commands$: Observable<string> = this.commanded.asObservable();

  constructor(
    private readonly store: RolloutStore,
    private readonly heartbeats: HeartbeatMonitor,
    private readonly events: DeploymentEvents,
    private readonly settler: RollbackSettler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  state(id: string): RolloutState | undefined {
    return this.store.get(id);
  }

  isActive(id: string): boolean {
    const state = this.store.get(id);
    return state !== undefined && ACTIVE_PHASES.includes(state.phase);
  }

  /** Versions that may run while the deployment moves to its desired version: plan room for both. */
  versionsToPlan(spec: DeploymentSpecBody): string[] {
    const state = this.store.get(spec.id);
    const other = state === undefined ? undefined : stableVersion(state);
    return other === undefined || other === spec.model.version
      ? [spec.model.version]
      : [spec.model.version, other];
  }

  /** The rollout after a change of desired version, if any (a new deployment starts complete). */
  prepare(spec: DeploymentSpecBody, targets: readonly string[], now: number): RolloutState {
    const current = this.store.get(spec.id);
    const next = startRollout(current, spec.model.version, spec.rollout, { targets, now });
    this.save(spec.id, current, next);
    return next;
  }

  /** One step on what the clusters say (`isReady`) and what the heartbeats of the new version say. */
  advance(
    spec: DeploymentSpecBody,
    observation: {
      targets: readonly string[];
      isReady: (siteId: string) => boolean;
      now: number;
      /** The deployment's SLO (its own, or its model's): a p99 above it breaches. */
      latencySloMs: number | undefined;
    },
  ): RolloutState {
    const current = this.prepare(spec, observation.targets, observation.now);
    // Every strategy is judged: a version that fails at runtime must not reach the next site.
    const breach = ACTIVE_PHASES.includes(current.phase)
      ? assessHeartbeats(this.heartbeats.beatsFor(spec.id, current.toVersion, current.startedAt), {
          maxErrorRate: spec.rollout.maxErrorRate,
          minInferences: spec.rollout.minInferences,
          latencySloMs: observation.latencySloMs,
        })
      : undefined;
    const next = advanceRollout(
      current,
      spec.rollout,
      { ...observation, breach },
      {
        progressDeadlineMs: this.config.deployments.progressDeadlineMs,
      },
    );
    this.save(spec.id, current, next);
    // Looked at on every pass, so a rollback a restart interrupted is settled by the next process.
    this.settler.settle(spec, next);
    return next;
  }

  versionFor(id: string, fallback: string, siteId: string): string {
    const state = this.store.get(id);
    return state === undefined ? fallback : versionFor(state, siteId);
  }

  pause(id: string): RolloutState {
    return this.command(id, (state) => pauseRollout(state));
  }

  resume(id: string): RolloutState {
    return this.command(id, (state) => resumeRollout(state, Date.now()));
  }

  rollback(id: string): RolloutState {
    return this.command(id, (state) => rollBack(state, 'rolled back by an operator'));
  }

  forget(id: string): void {
    this.store.delete(id);
    this.heartbeats.forget(id);
  }

  private command(id: string, change: (state: RolloutState) => RolloutState): RolloutState {
    const current = this.store.get(id);
    if (!current) throw new PolisError('not-found', `deployment "${id}" has no rollout`);
    let next;
    try {
      next = change(current);
    } catch (error) {
      if (error instanceof RolloutCommandError) throw new PolisError('conflict', error.message);
      throw error;
    }
    this.save(id, current, next);
    this.commanded.next(id);
    return next;
  }

  private save(id: string, before: RolloutState | undefined, after: RolloutState): void {
    if (before === after) return;
    this.store.set(id, after);
    for (const event of rolloutEvents(id, before, after)) this.events.emit(event);
  }
}
