import { Injectable } from '@nestjs/common';
import { filter, map, merge, type Observable } from 'rxjs';
import { SiteEvents } from '../sites';
import { ClusterFleet } from './cluster-fleet';
import { DesiredStateStore } from './desired-state.store';
import { HeartbeatMonitor } from './heartbeat-monitor.service';
import { RolloutController } from './rollout-controller.service';

/**
 * Everything that calls for another look: a deployment changed, a site changed or its health did, Polis's
 * objects changed on a cluster (readiness), an operator commanded a rollout, or a heartbeat arrived for a
 * deployment whose rollout is being judged. Time-driven steps are the loop's own ticks.
 */
@Injectable()
export class ReconcileTriggers {
  readonly changes$: Observable<string>;

  constructor(
    store: DesiredStateStore,
    siteEvents: SiteEvents,
    fleet: ClusterFleet,
    rollouts: RolloutController,
    heartbeats: HeartbeatMonitor,
  ) {
    this.changes$ = merge(
      store.changes$.pipe(map((id) => `deployment ${id}`)),
      siteEvents.events$.pipe(map((event) => `site ${event.siteId} ${event.type}`)),
      fleet.changes$.pipe(map((siteId) => `cluster ${siteId}`)),
      rollouts.commands$.pipe(map((id) => `rollout command ${id}`)),
      heartbeats.received$.pipe(
        filter((id) => rollouts.isActive(id)),
        map((id) => `heartbeat ${id}`),
      ),
    );
  }
}
