import { Injectable } from '@nestjs/common';
import { DeploymentEvents } from './deployment-events';
import type { DeploymentRecord } from './deployment.schema';
import type { DeploymentStatus } from './status';

export interface DeploymentStatusView extends DeploymentStatus {
  deploymentId: string;
  /** The revision of the desired state this status was derived for. */
  revision: number;
  version: string;
  observedAt: string;
}

/** The last status derived for each deployment; a change of state or reason is announced as an event. */
@Injectable()
export class StatusBoard {
  private readonly statuses = new Map<string, DeploymentStatusView>();

  constructor(private readonly events: DeploymentEvents) {}

  publish(record: DeploymentRecord, status: DeploymentStatus): void {
    const id = record.spec.id;
    const previous = this.statuses.get(id);
    this.statuses.set(id, {
      deploymentId: id,
      revision: record.revision,
      version: record.spec.model.version,
      ...status,
      observedAt: new Date().toISOString(),
    });
    if (previous?.state !== status.state || previous.reason !== status.reason)
      this.events.emit({ type: 'status', deploymentId: id, state: status.state, reason: status.reason });
  }

  /** The last status of every deployment. */
  all(): DeploymentStatusView[] {
    return [...this.statuses.values()];
  }

  /** The status of this revision; Pending until a pass has looked at it. */
  view(record: DeploymentRecord): DeploymentStatusView {
    const known = this.statuses.get(record.spec.id);
    if (known && known.revision === record.revision) return known;
    return {
      deploymentId: record.spec.id,
      revision: record.revision,
      version: record.spec.model.version,
      state: 'Pending',
      reason: 'not reconciled yet',
      sites: known?.sites ?? [],
      observedAt: new Date().toISOString(),
    };
  }

  /** Drops the statuses of deployments not in `live`; returns their ids. */
  retain(live: ReadonlySet<string>): string[] {
    const gone = [...this.statuses.keys()].filter((id) => !live.has(id));
    for (const id of gone) this.statuses.delete(id);
    return gone;
  }
}
