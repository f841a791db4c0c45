import { Module } from '@nestjs/common';
import { ModelsModule } from '../models';
import { SitesModule } from '../sites';
import { ClusterFleet } from './cluster-fleet';
import { DeploymentEvents } from './deployment-events';
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
    ModelCatalog,
    PlannerService,
    ClusterFleet,
    DeploymentReconciler,
    StatusBoard,
    ReconcileTriggers,
    ReconcileLoop,
  ],
  controllers: [DeploymentsController],
  exports: [DesiredStateStore, StatusBoard, DeploymentEvents],
})
export class DeploymentsModule {}
