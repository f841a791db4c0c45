import { Injectable, Logger } from '@nestjs/common';
import { ModelRegistry } from '../models';
import { DeploymentEvents } from './deployment-events';
import type { DeploymentHistoryEntry, DeploymentSpecBody } from './deployment.schema';
import { DesiredStateStore } from './desired-state.store';
import { rollbackHistoryEntry, type RolloutState } from './rollout';

/**
 * Makes a rollback stick: the version that failed at runtime is quarantined in the registry (so it is no
 * longer offered as the latest), and the deployment's desired state names the version that runs again,
 * with the failed one in its history. Looked at on every pass, so a rollback a restart interrupted is
 * settled by the next process.
 */
@Injectable()
export class RollbackSettler {
  private readonly logger = new Logger(RollbackSettler.name);
  /** Rollouts being settled now (`<id>@<startedAt>`): one write each at a time. */
  private readonly settling = new Set<string>();

  constructor(
    private readonly store: DesiredStateStore,
    private readonly registry: ModelRegistry,
    private readonly events: DeploymentEvents,
  ) {}

  /** Starts settling a rolled-back rollout in the background, unless it is settled or being settled. */
  settle(spec: DeploymentSpecBody, rollout: RolloutState): void {
    const entry = rollbackHistoryEntry(rollout, spec.model.version, new Date().toISOString());
    const key = `${spec.id}@${rollout.startedAt}`;
    if (!entry || this.settling.has(key)) return;
    this.settling.add(key);
    void this.write(spec, entry).finally(() => this.settling.delete(key));
  }

  private async write(spec: DeploymentSpecBody, entry: DeploymentHistoryEntry): Promise<void> {
    const { id, model } = spec;
    try {
      if (entry.cause === 'slo-breach') {
        await this.registry.quarantine(model.name, entry.version, {
          reason: entry.reason,
          deploymentId: id,
          ...(entry.siteId === undefined ? {} : { siteId: entry.siteId }),
        });
        this.events.emit({
          type: 'quarantined',
          deploymentId: id,
          model: model.name,
          version: entry.version,
          siteId: entry.siteId,
          reason: entry.reason,
        });
      }
      await this.store.recordRollback(id, entry);
    } catch (error) {
      // Tried again on the next pass: the desired state still names the failed version.
      this.logger.warn({
        event: 'rollback-not-settled',
        deploymentId: id,
        version: entry.version,
        error: String(error),
      });
    }
  }
}
