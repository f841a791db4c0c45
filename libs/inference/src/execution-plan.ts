import { nextDispatch, type BatchPolicy, type DispatchState } from './batch-policy';

/**
 * What one model costs to run, measured when it loads: the median `session.run` of a one-row batch and of
 * a full batch (`fullBatchRows` = the batch policy's maximum).
 */
export interface InferenceCost {
  batch1Ms: number;
  fullBatchMs: number;
  fullBatchRows: number;
}

/**
 * The largest batch that may run on the event loop: its estimated cost (linear between the two measured
 * points) stays within `budgetMs`. 0 means never inline: the model is too slow even for one row, or the
 * budget is 0. Above this size a batch costs the event loop more than the worker-thread hop it would save.
 */
export function inlineRowLimit(cost: InferenceCost, budgetMs: number): number {
  const { batch1Ms, fullBatchMs, fullBatchRows } = cost;
  if (!(budgetMs > 0) || !(batch1Ms <= budgetMs) || fullBatchRows < 1) return 0;
  if (fullBatchMs <= budgetMs || fullBatchRows === 1) return fullBatchRows;
  const perRow = (fullBatchMs - batch1Ms) / (fullBatchRows - 1);
  return Math.min(fullBatchRows, 1 + Math.floor((budgetMs - batch1Ms) / perRow));
}

export interface PlacementState extends DispatchState {
  /** The inline (event-loop) session exists and is not running a batch. */
  inlineIdle: boolean;
  /** From `inlineRowLimit`: batches up to this size may run inline. */
  inlineRows: number;
}

export type Placement =
  | { kind: 'inline'; size: number }
  | { kind: 'worker'; size: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'idle' };

/**
 * Where the next batch runs. Batching is `nextDispatch` with the inline session counted as one more free
 * executor. A batch that empties the queue (light load: latency matters) runs inline when it is small enough
 * for the event loop. With windows still queued behind it (load: throughput matters) it goes to a free worker
 * thread first, so the workers and the inline session work side by side. A batch too big to run inline waits
 * for a worker (it keeps filling meanwhile) rather than blocking the loop.
 */
export function nextPlacement(state: PlacementState, policy: BatchPolicy, draining = false): Placement {
  const inlineFree = state.inlineIdle && state.inlineRows > 0;
  const decision = nextDispatch(
    { ...state, idleWorkers: state.idleWorkers + (inlineFree ? 1 : 0) },
    policy,
    draining,
  );
  if (decision.kind !== 'dispatch') return decision;
  const fitsInline = inlineFree && decision.size <= state.inlineRows;
  const backlog = state.queued > decision.size;
  if (fitsInline && !(backlog && state.idleWorkers > 0)) return { kind: 'inline', size: decision.size };
  if (state.idleWorkers > 0) return { kind: 'worker', size: decision.size };
  if (fitsInline) return { kind: 'inline', size: decision.size };
  return { kind: 'idle' };
}

/** Median of measured durations (the upper one of an even count: conservative for a cost). */
export function medianMs(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('no samples');
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}
