import type { Assignment, PreviousPlan } from './model';

export interface PlanDiff {
  /** Same replica, same site and node. */
  readonly unchanged: number;
  /** Same replica on another node or site. */
  readonly moved: readonly { readonly before: Assignment; readonly after: Assignment }[];
  /** Replicas that were not placed before. */
  readonly added: readonly Assignment[];
  /** Replicas that are no longer placed. */
  readonly removed: readonly Assignment[];
}

const keyOf = (a: Assignment): string => `${a.deploymentId}\u0000${a.targetSiteId}\u0000${a.replica}`;

/** Churn between two plans, matching replicas by deployment, target site and replica index. */
export function diffPlans(before: PreviousPlan, after: PreviousPlan): PlanDiff {
  const previous = new Map(before.assignments.map((a) => [keyOf(a), a]));
  const moved: { before: Assignment; after: Assignment }[] = [];
  const added: Assignment[] = [];
  let unchanged = 0;
  for (const assignment of after.assignments) {
    const key = keyOf(assignment);
    const old = previous.get(key);
    previous.delete(key);
    if (old === undefined) added.push(assignment);
    else if (old.siteId === assignment.siteId && old.nodeName === assignment.nodeName) unchanged++;
    else moved.push({ before: old, after: assignment });
  }
  return { unchanged, moved, added, removed: [...previous.values()] };
}
