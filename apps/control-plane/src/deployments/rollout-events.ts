import type { EventBody } from './deployment-events';
import type { RolloutState } from './rollout';

/**
 * The events one change of a rollout's state makes: a `rollout` event when its phase, version or reason
 * changed (with the phase it left), and a `rollout-step` for the sites it just switched. Pure.
 */
export function rolloutEvents(
  id: string,
  before: RolloutState | undefined,
  after: RolloutState,
): EventBody[] {
  const sameRollout = before !== undefined && before.toVersion === after.toVersion;
  const events: EventBody[] = [];
  if (!sameRollout || before.phase !== after.phase || before.reason !== after.reason)
    events.push({
      type: 'rollout',
      deploymentId: id,
      phase: after.phase,
      ...(sameRollout ? { previousPhase: before.phase } : {}),
      fromVersion: after.fromVersion,
      toVersion: after.toVersion,
      reason: after.reason,
      ...(after.cause === undefined ? {} : { cause: after.cause }),
      ...(after.breach === undefined ? {} : { siteId: after.breach.siteId }),
    });
  const switched = after.updated.filter((site) => !(sameRollout && before.updated.includes(site)));
  if (switched.length > 0 && after.fromVersion !== null)
    events.push({
      type: 'rollout-step',
      deploymentId: id,
      siteIds: switched,
      fromVersion: after.fromVersion,
      toVersion: after.toVersion,
    });
  return events;
}
