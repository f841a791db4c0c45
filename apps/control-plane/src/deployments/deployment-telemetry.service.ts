import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { DeploymentEvents, type DeploymentEvent } from './deployment-events';
import { DeploymentMetrics } from './deployment-metrics';
import { HeartbeatMonitor } from './heartbeat-monitor.service';

/**
 * Turns deployment events into metrics and one structured log line per failover, return, offload, rollout
 * step, rollout phase change and quarantine; runners' heartbeats into runner metrics. Whoever emits an
 * event on DeploymentEvents (the reconcile loop, the rollout controller, the rollback settler) is observed
 * here, so a new trigger of a failover needs no change in this file.
 */
@Injectable()
export class DeploymentTelemetry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('DeploymentEvents');
  private readonly subscriptions = new Subscription();

  constructor(
    private readonly events: DeploymentEvents,
    private readonly heartbeats: HeartbeatMonitor,
    private readonly metrics: DeploymentMetrics,
  ) {}

  onModuleInit(): void {
    this.subscriptions.add(this.events.events$.subscribe((event) => this.observe(event)));
    this.subscriptions.add(this.heartbeats.beats$.subscribe((beat) => this.metrics.heartbeat(beat)));
    this.subscriptions.add(this.heartbeats.malformed$.subscribe(() => this.metrics.malformedHeartbeat()));
  }

  onModuleDestroy(): void {
    this.subscriptions.unsubscribe();
  }

  private observe(event: DeploymentEvent): void {
    this.metrics.record(event);
    const line = logLine(event);
    if (line) this.logger[line.level](line.fields);
  }
}

/** The log line an event deserves, if any: warn for what an operator should look at, info otherwise. */
export function logLine(
  event: DeploymentEvent,
): { level: 'log' | 'warn'; fields: Record<string, unknown> } | undefined {
  switch (event.type) {
    case 'failover':
    case 'offload':
    case 'return': {
      const { type, deploymentId, siteId, runsOn, version, reason } = event;
      return {
        level: type === 'failover' ? 'warn' : 'log',
        fields: { event: type, deploymentId, siteId, runsOn, version, reason },
      };
    }
    case 'rollout-step': {
      const { deploymentId, siteIds, fromVersion, toVersion } = event;
      return {
        level: 'log',
        fields: { event: 'rollout-step', deploymentId, siteIds, fromVersion, toVersion },
      };
    }
    case 'rollout': {
      const { deploymentId, phase, previousPhase, fromVersion, toVersion, reason, cause, siteId } = event;
      const bad = phase === 'rolled-back' || phase === 'failed';
      return {
        level: bad ? 'warn' : 'log',
        fields: {
          event: `rollout-${phase}`,
          deploymentId,
          previousPhase,
          fromVersion,
          toVersion,
          ...(siteId === undefined ? {} : { siteId }),
          ...(cause === undefined ? {} : { cause }),
          ...(reason === undefined ? {} : { reason }),
        },
      };
    }
    case 'quarantined': {
      const { deploymentId, model, version, siteId, reason } = event;
      return {
        level: 'warn',
        fields: { event: 'model-quarantined', deploymentId, model, version, siteId, reason },
      };
    }
    case 'reconcile-failed':
    case 'created':
    case 'updated':
    case 'deleted':
    case 'status':
    case 'planned':
      return undefined;
  }
}
