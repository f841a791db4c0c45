export interface BatchPolicy {
  /** Rows per inference at most. */
  maxBatchSize: number;
  /** How long the oldest queued window may wait for others to join its batch. */
  maxWaitMs: number;
}

export interface DispatchState {
  queued: number;
  /** Age of the oldest queued window; 0 when none is queued. */
  oldestAgeMs: number;
  /** Session workers free to take a batch now. */
  idleWorkers: number;
}

export type DispatchDecision =
  | { kind: 'dispatch'; size: number }
  /** Check again in `ms` (the oldest window's wait runs out then) unless something else happens first. */
  | { kind: 'wait'; ms: number }
  /** Nothing to do until a window arrives or a worker frees up. */
  | { kind: 'idle' };

export function validateBatchPolicy(policy: BatchPolicy): BatchPolicy {
  if (!Number.isInteger(policy.maxBatchSize) || policy.maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be an integer >= 1, got ${policy.maxBatchSize}`);
  }
  if (!(policy.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${policy.maxWaitMs}`);
  return policy;
}

/**
 * Micro-batching: a full batch goes at once; a partial one goes when its oldest window has waited maxWaitMs.
 * With no idle worker nothing goes: windows keep queuing, so under load batches fill up by themselves.
 * `draining` (a model being retired) sends whatever is queued without waiting.
 */
export function nextDispatch(state: DispatchState, policy: BatchPolicy, draining = false): DispatchDecision {
  if (state.queued === 0 || state.idleWorkers === 0) return { kind: 'idle' };
  if (state.queued >= policy.maxBatchSize) return { kind: 'dispatch', size: policy.maxBatchSize };
  if (draining || state.oldestAgeMs >= policy.maxWaitMs) return { kind: 'dispatch', size: state.queued };
  return { kind: 'wait', ms: policy.maxWaitMs - state.oldestAgeMs };
}
