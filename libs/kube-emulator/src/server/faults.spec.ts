import { FaultInjector, faultRequestSchema } from './faults';

const target = { group: '', resource: 'configmaps', name: 'c' };

describe('FaultInjector', () => {
  it('throttles exactly the next N requests with the configured Retry-After', () => {
    const faults = new FaultInjector();
    faults.throttle(2, 5);
    const answers = [1, 2, 3].map(() => faults.intercept({ write: false, target }));
    expect(answers.map((error) => error?.code)).toEqual([429, 429, undefined]);
    expect(answers[0]?.retryAfterSeconds).toBe(5);
  });

  it('conflicts only writes, and only N of them', () => {
    const faults = new FaultInjector();
    faults.conflictWrites(1);
    expect(faults.intercept({ write: false, target })).toBeUndefined();
    expect(faults.intercept({ write: true, target })?.reason).toBe('Conflict');
    expect(faults.intercept({ write: true, target })).toBeUndefined();
  });

  it('answers 503 while unavailable, before any other fault, until cleared', () => {
    const faults = new FaultInjector();
    faults.setUnavailable(true);
    faults.throttle(1);
    expect(faults.intercept({ write: true, target })?.code).toBe(503);
    faults.clear();
    expect(faults.snapshot()).toEqual({
      unavailable: false,
      throttledRequestsLeft: 0,
      retryAfterSeconds: 1,
      conflictingWritesLeft: 0,
    });
    expect(faults.intercept({ write: true, target })).toBeUndefined();
  });

  it('validates admin requests strictly', () => {
    expect(faultRequestSchema.safeParse({ throttle: { requests: 3 } }).success).toBe(true);
    expect(faultRequestSchema.safeParse({ throttle: { requests: -1 } }).success).toBe(false);
    expect(faultRequestSchema.safeParse({ explode: true }).success).toBe(false);
    expect(faultRequestSchema.safeParse({ nodeReady: { node: 'n1' } }).success).toBe(false);
  });
});
