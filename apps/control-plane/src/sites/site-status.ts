import {
  clusterCapacity,
  KubeconfigError,
  KubeRequestError,
  type ClusterCapacity,
  type NodeInventory,
  DEFAULT_RETRY,
  type RetryPolicy,
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

/**
 * What a failed check saw, as data: the site-liveness engine words its reasons from it ("API answers 503",
 * "connection refused"), so nothing downstream has to parse a message.
 */
export type SiteSymptom =
  /** The API answered, with this error status (after the client's retries). */
  | { kind: 'http'; status: number }
  | { kind: 'refused' }
  | { kind: 'timeout'; detail: string }
  /** Any other connection failure: reset, host unreachable, name not resolved. */
  | { kind: 'network'; detail: string }
  | { kind: 'tls'; detail: string }
  /** The stored kubeconfig cannot be used (invalid, or the key does not decrypt it). */
  | { kind: 'kubeconfig'; detail: string }
  | { kind: 'other'; detail: string };

export interface SiteStatus {
  state: SiteState;
  /** Why the site is not ready, in words; absent when it is. */
  reason?: string;
  /** What the last check saw when it failed; absent after a successful check. */
  symptom?: SiteSymptom;
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

const REFUSED = /ECONNREFUSED/;

/** What a failed check saw, from the error it failed with. */
export function symptomOf(error: unknown): SiteSymptom {
  if (error instanceof KubeconfigError || error instanceof CipherError)
    return { kind: 'kubeconfig', detail: error.message };
  if (error instanceof KubeRequestError) {
    if (error.details.status !== undefined && error.details.status >= 400)
      return { kind: 'http', status: error.details.status };
    switch (error.failure) {
      case 'timeout':
        return { kind: 'timeout', detail: error.message };
      case 'tls':
        return { kind: 'tls', detail: error.message };
      case 'unreachable':
        return REFUSED.test(error.message) ? { kind: 'refused' } : { kind: 'network', detail: error.message };
      case 'unauthorized':
        return { kind: 'http', status: 401 };
      case 'forbidden':
        return { kind: 'http', status: 403 };
      case 'throttled':
      case 'server-error':
      case 'not-found':
      case 'conflict':
      case 'already-exists':
      case 'invalid':
      case 'other':
        return { kind: 'other', detail: error.message };
    }
  }
  return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
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
  return { ...previous, state, reason, symptom: symptomOf(error), checkedAt: now.toISOString() };
}

/** The longest a check can spend waiting between retries (full jitter never exceeds each cap). */
export function longestBackoffMs(policy: RetryPolicy = DEFAULT_RETRY): number {
  let total = 0;
  for (let attempt = 0; attempt < policy.maxAttempts - 1; attempt++)
    total += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return total;
}

/**
 * The status while a check has been running for longer than it can take without a request timing out (two
 * requests one after the other within their deadline, plus every backoff between retries, which is all a
 * refused or 5xx check spends): some request got no answer in time and the client is retrying. Until the
 * check ends (several deadlines later) the last result is not evidence of now, so the site reads as not
 * answering, dated from when the check should have ended.
 */
export function overdueStatus(
  last: SiteStatus,
  checkStartedAt: number,
  now: number,
  requestTimeoutMs: number,
): SiteStatus {
  const overdueSince = checkStartedAt + 2 * requestTimeoutMs + longestBackoffMs();
  if (now < overdueSince || last.state === 'pending') return last;
  return {
    ...last,
    state: 'unreachable',
    reason: `unreachable: no answer for ${now - checkStartedAt} ms (check still running)`,
    symptom: { kind: 'timeout', detail: `no answer to a check within ${overdueSince - checkStartedAt} ms` },
    checkedAt: new Date(overdueSince).toISOString(),
  };
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
