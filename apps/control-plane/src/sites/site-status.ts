import {
  clusterCapacity,
  KubeconfigError,
  KubeRequestError,
  type ClusterCapacity,
  type NodeInventory,
} from '@polis/kube';
import { CipherError } from './kubeconfig-cipher';

/** Why a cluster could not be used, as the API reports it. */
export type SiteProblem =
  | 'kubeconfig-invalid'
  | 'credentials-rejected'
  | 'forbidden'
  | 'unreachable'
  | 'tls'
  | 'key-unavailable'
  | 'error';

export type SiteState = 'pending' | 'ready' | 'degraded' | 'unreachable' | 'credentials-rejected' | 'error';

export interface SiteStatus {
  state: SiteState;
  /** Why the site is not ready, in words; absent when it is. */
  reason?: string;
  checkedAt?: string;
  /** Last time the cluster answered. */
  lastSeenAt?: string;
  kubernetesVersion?: string;
  nodes: { total: number; ready: number };
  /** From the last successful check; kept (and dated by lastSeenAt) while the site is unreachable. */
  capacity?: ClusterCapacity;
  inventory?: NodeInventory[];
}

export const PENDING_STATUS: SiteStatus = { state: 'pending', nodes: { total: 0, ready: 0 } };

/** A failure reduced to a stable problem code and a message safe to show (no credentials, no bodies). */
export function describeFailure(error: unknown): { problem: SiteProblem; reason: string } {
  if (error instanceof KubeconfigError) return { problem: 'kubeconfig-invalid', reason: error.message };
  if (error instanceof CipherError) return { problem: 'key-unavailable', reason: error.message };
  if (error instanceof KubeRequestError) {
    switch (error.failure) {
      case 'unauthorized':
        return { problem: 'credentials-rejected', reason: 'credentials rejected (401)' };
      case 'forbidden':
        return { problem: 'forbidden', reason: `not allowed to read nodes: ${error.message}` };
      case 'timeout':
      case 'unreachable':
        return { problem: 'unreachable', reason: `unreachable: ${error.message}` };
      case 'tls':
        return { problem: 'tls', reason: error.message };
      case 'throttled':
      case 'server-error':
      case 'not-found':
      case 'conflict':
      case 'already-exists':
      case 'invalid':
      case 'other':
        return { problem: 'error', reason: error.message };
    }
  }
  return { problem: 'error', reason: error instanceof Error ? error.message : String(error) };
}

/** Status after a successful check. */
export function reachableStatus(inventory: NodeInventory[], version: string, now: Date): SiteStatus {
  const capacity = clusterCapacity(inventory);
  const notReady = inventory.filter((node) => !node.ready).map((node) => node.name);
  const at = now.toISOString();
  const base = {
    checkedAt: at,
    lastSeenAt: at,
    kubernetesVersion: version,
    nodes: { total: capacity.nodes, ready: capacity.readyNodes },
    capacity,
    inventory,
  };
  if (inventory.length === 0) return { state: 'degraded', reason: 'the cluster has no nodes', ...base };
  if (notReady.length > 0)
    return {
      state: 'degraded',
      reason: `${notReady.length} of ${inventory.length} nodes NotReady: ${notReady.join(', ')}`,
      ...base,
    };
  return { state: 'ready', ...base };
}

/** Status after a failed check: what was last known stays, marked by the failure. */
export function failedStatus(previous: SiteStatus, error: unknown, now: Date): SiteStatus {
  const { problem, reason } = describeFailure(error);
  const state: SiteState =
    problem === 'unreachable'
      ? 'unreachable'
      : problem === 'credentials-rejected'
        ? 'credentials-rejected'
        : 'error';
  return { ...previous, state, reason, checkedAt: now.toISOString() };
}

/** Whether a change of status is worth an event (not every poll is). */
export function statusChanged(before: SiteStatus, after: SiteStatus): boolean {
  return (
    before.state !== after.state ||
    before.reason !== after.reason ||
    before.nodes.total !== after.nodes.total ||
    before.nodes.ready !== after.nodes.ready
  );
}
