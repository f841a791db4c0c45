import fc from 'fast-check';
import { nextDispatch, validateBatchPolicy } from './batch-policy';

const policy = { maxBatchSize: 8, maxWaitMs: 5 };

describe('nextDispatch', () => {
  it('sends a full batch at once and holds a partial one until its oldest window has waited', () => {
    expect(nextDispatch({ queued: 20, oldestAgeMs: 0, idleWorkers: 1 }, policy)).toEqual({
      kind: 'dispatch',
      size: 8,
    });
    expect(nextDispatch({ queued: 3, oldestAgeMs: 2, idleWorkers: 1 }, policy)).toEqual({
      kind: 'wait',
      ms: 3,
    });
    expect(nextDispatch({ queued: 3, oldestAgeMs: 5, idleWorkers: 1 }, policy)).toEqual({
      kind: 'dispatch',
      size: 3,
    });
  });

  it('sends nothing without an idle worker, and everything at once while draining', () => {
    expect(nextDispatch({ queued: 50, oldestAgeMs: 99, idleWorkers: 0 }, policy)).toEqual({ kind: 'idle' });
    expect(nextDispatch({ queued: 0, oldestAgeMs: 0, idleWorkers: 2 }, policy)).toEqual({ kind: 'idle' });
    expect(nextDispatch({ queued: 3, oldestAgeMs: 0, idleWorkers: 1 }, policy, true)).toEqual({
      kind: 'dispatch',
      size: 3,
    });
  });

  it('with maxWaitMs 0 every window goes as soon as a worker is free (batch-1 at low load)', () => {
    expect(
      nextDispatch({ queued: 1, oldestAgeMs: 0, idleWorkers: 1 }, { maxBatchSize: 32, maxWaitMs: 0 }),
    ).toEqual({
      kind: 'dispatch',
      size: 1,
    });
  });

  it('never sends more than maxBatchSize nor more than is queued, and never waits past the deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (queued, oldestAgeMs, idleWorkers, maxBatchSize, maxWaitMs) => {
          const decision = nextDispatch({ queued, oldestAgeMs, idleWorkers }, { maxBatchSize, maxWaitMs });
          if (decision.kind === 'dispatch') {
            expect(decision.size).toBeLessThanOrEqual(Math.min(maxBatchSize, queued));
            expect(decision.size).toBeGreaterThan(0);
          }
          if (decision.kind === 'wait') expect(decision.ms).toBeLessThanOrEqual(maxWaitMs - oldestAgeMs);
          if (decision.kind === 'idle') expect(queued === 0 || idleWorkers === 0).toBe(true);
        },
      ),
    );
  });

  it('validates the policy', () => {
    expect(() => validateBatchPolicy({ maxBatchSize: 0, maxWaitMs: 1 })).toThrow(/maxBatchSize/);
    expect(() => validateBatchPolicy({ maxBatchSize: 1, maxWaitMs: -1 })).toThrow(/maxWaitMs/);
  });
});
