import fc from 'fast-check';
import { inlineRowLimit, medianMs, nextPlacement, type PlacementState } from './execution-plan';

const policy = { maxBatchSize: 8, maxWaitMs: 5 };
const state = (s: Partial<PlacementState>): PlacementState => ({
  queued: 1,
  oldestAgeMs: 10,
  idleWorkers: 1,
  inlineIdle: true,
  inlineRows: 8,
  ...s,
});

describe('inlineRowLimit', () => {
  it('runs every batch inline when a full batch fits the budget', () => {
    expect(inlineRowLimit({ batch1Ms: 0.01, fullBatchMs: 0.02, fullBatchRows: 64 }, 0.1)).toBe(64);
  });

  it('never runs inline a model whose one-row batch exceeds the budget, or with a zero budget', () => {
    expect(inlineRowLimit({ batch1Ms: 0.2, fullBatchMs: 3, fullBatchRows: 64 }, 0.1)).toBe(0);
    expect(inlineRowLimit({ batch1Ms: 0.01, fullBatchMs: 0.02, fullBatchRows: 64 }, 0)).toBe(0);
    expect(inlineRowLimit({ batch1Ms: Number.NaN, fullBatchMs: 0.02, fullBatchRows: 64 }, 0.1)).toBe(0);
  });

  it('cuts off where the linear estimate crosses the budget', () => {
    // 0.04 ms + 0.01 ms a row: 7 rows cost 0.10 ms.
    expect(inlineRowLimit({ batch1Ms: 0.04, fullBatchMs: 0.67, fullBatchRows: 64 }, 0.1)).toBe(7);
  });

  it('keeps the estimate of every batch it allows within the budget', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 512 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (batch1Ms, extraMs, fullBatchRows, budgetMs) => {
          const cost = { batch1Ms, fullBatchMs: batch1Ms + extraMs, fullBatchRows };
          const rows = inlineRowLimit(cost, budgetMs);
          expect(rows).toBeGreaterThanOrEqual(0);
          expect(rows).toBeLessThanOrEqual(fullBatchRows);
          if (rows === 0) return expect(batch1Ms).toBeGreaterThan(budgetMs);
          const perRow = fullBatchRows === 1 ? 0 : extraMs / (fullBatchRows - 1);
          expect(batch1Ms + perRow * (rows - 1)).toBeLessThanOrEqual(budgetMs * (1 + 1e-9));
        },
      ),
    );
  });
});

describe('nextPlacement', () => {
  it('runs a batch that fits inline on the event loop, even with a worker free', () => {
    expect(nextPlacement(state({}), policy)).toEqual({ kind: 'inline', size: 1 });
  });

  it('sends a batch bigger than the inline limit to a worker', () => {
    expect(nextPlacement(state({ queued: 8, inlineRows: 4 }), policy)).toEqual({ kind: 'worker', size: 8 });
  });

  it('under load (windows queued behind the batch) gives a free worker the batch first, else runs it inline', () => {
    expect(nextPlacement(state({ queued: 20 }), policy)).toEqual({ kind: 'worker', size: 8 });
    expect(nextPlacement(state({ queued: 20, idleWorkers: 0 }), policy)).toEqual({ kind: 'inline', size: 8 });
    expect(nextPlacement(state({ queued: 8 }), policy)).toEqual({ kind: 'inline', size: 8 });
  });

  it('uses a worker while the inline session is busy', () => {
    expect(nextPlacement(state({ inlineIdle: false }), policy)).toEqual({ kind: 'worker', size: 1 });
  });

  it('holds a batch too big for inline until a worker is free', () => {
    expect(nextPlacement(state({ queued: 8, inlineRows: 4, idleWorkers: 0 }), policy)).toEqual({
      kind: 'idle',
    });
  });

  it('keeps micro-batching: a partial batch still waits for its oldest window', () => {
    expect(nextPlacement(state({ queued: 3, oldestAgeMs: 2 }), policy)).toEqual({ kind: 'wait', ms: 3 });
    expect(nextPlacement(state({ queued: 3, oldestAgeMs: 2 }), policy, true)).toEqual({
      kind: 'inline',
      size: 3,
    });
  });

  it('with no inline session behaves as before: workers only', () => {
    expect(nextPlacement(state({ inlineRows: 0 }), policy)).toEqual({ kind: 'worker', size: 1 });
    expect(nextPlacement(state({ inlineRows: 0, idleWorkers: 0 }), policy)).toEqual({ kind: 'idle' });
  });

  it('never places a batch on a busy executor or beyond the batch size', () => {
    fc.assert(
      fc.property(
        fc.record({
          queued: fc.integer({ min: 0, max: 100 }),
          oldestAgeMs: fc.double({ min: 0, max: 20, noNaN: true }),
          idleWorkers: fc.integer({ min: 0, max: 3 }),
          inlineIdle: fc.boolean(),
          inlineRows: fc.integer({ min: 0, max: 16 }),
        }),
        fc.boolean(),
        (s, draining) => {
          const placement = nextPlacement(s, policy, draining);
          if (placement.kind === 'inline') {
            expect(s.inlineIdle).toBe(true);
            expect(placement.size).toBeLessThanOrEqual(s.inlineRows);
          }
          if (placement.kind === 'worker') expect(s.idleWorkers).toBeGreaterThan(0);
          if (placement.kind === 'inline' || placement.kind === 'worker') {
            expect(placement.size).toBeGreaterThan(0);
            expect(placement.size).toBeLessThanOrEqual(Math.min(s.queued, policy.maxBatchSize));
          }
        },
      ),
    );
  });
});

describe('medianMs', () => {
  it('takes the middle sample, the upper one of an even count', () => {
    expect(medianMs([3, 1, 2])).toBe(2);
    expect(medianMs([4, 1, 3, 2])).toBe(3);
    expect(() => medianMs([])).toThrow(RangeError);
  });
});
