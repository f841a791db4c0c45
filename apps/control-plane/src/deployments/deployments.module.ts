import { Module } from '@nestjs/common';
import { MetricsRegistry } from '../metrics';
import { ModelsModule } from '../models';
import { SiteMonitor, SitesModule } from '../sites';
import { ClusterFleet } from './cluster-fleet';
import { DeploymentEvents } from './deployment-events';
import { DeploymentMetrics } from './deployment-metrics';
import { DeploymentTelemetry } from './deployment-telemetry.service';
import { DeploymentsController } from './deployments.controller';
import { DesiredStateStore } from './desired-state.store';
import { HeartbeatMonitor } from './heartbeat-monitor.service';
import { ModelCatalog } from './model-catalog';
import { PlannerService } from './planner.service';
import { ReconcileLoop } from './reconcile-loop.service';
import { ReconcileTriggers } from './reconcile-triggers';
import { DeploymentReconciler } from './reconcile.service';
import { StatusBoard } from './status-board';
import { RolloutController } from './rollout-controller.service';
import { RollbackSettler } from './rollback-settler.service';
import { RolloutStore } from './rollout.store';
import { ServingStream } from './serving-stream';

@Module({
  imports: [SitesModule, ModelsModule],
  providers: [
    DeploymentEvents,
    ServingStream,
    DesiredStateStore,
    RolloutStore,
    HeartbeatMonitor,
    RolloutController,
    RollbackSettler,
    ModelCatalog,
    PlannerService,
    ClusterFleet,
    DeploymentReconciler,
    StatusBoard,
    ReconcileTriggers,
    ReconcileLoop,
    {
      provide: DeploymentMetrics,
      inject: [MetricsRegistry, StatusBoard, ClusterFleet, SiteMonitor, PlannerService],
      useFactory: (
        metrics: MetricsRegistry,
        board: StatusBoard,
        fleet: ClusterFleet,
        monitor: SiteMonitor,
        planner: PlannerService,
      ) => {
        const sites = () => [...planner.liveness(Date.now())];
        return new DeploymentMetrics(metrics.registry, {
          sites: () =>
            sites().map(([siteId, view]) => ({
              siteId,
              state: monitor.status(siteId).state,
              condition: view.condition,
              inTrouble: view.inTrouble,
              lost: view.lost,
            })),
          deployments: () => board.all(),
          applyFailures: () =>
            sites().map(([siteId]) => ({ siteId, failures: fleet.get(siteId)?.failures().length ?? 0 })),
        });
      },
    },
    DeploymentTelemetry,
  ],
  controllers: [DeploymentsController],
  exports: [DesiredStateStore, StatusBoard, DeploymentEvents],
})
export class DeploymentsModule {}
