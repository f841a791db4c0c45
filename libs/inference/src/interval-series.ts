import type { Aggregation } from './feature-plan';

/** One finished interval of one sensor: index = floor(ts / intervalMs). */
export interface ClosedInterval {
  index: number;
  values: Readonly<Record<string, number>>;
}

export type AddOutcome =
  /** The reading started a new interval, so the previous one is final. */
  | { kind: 'closed'; interval: ClosedInterval }
  /** The reading joined the interval still open. */
  | { kind: 'open' }
  /** The reading belongs to an interval already closed: it is dropped. */
  | { kind: 'late' };

interface Accumulator {
  sum: number;
  count: number;
  last: number;
}

/**
 * The interval series of one sensor, in event time: readings are bucketed by their timestamp, and an interval
 * closes when the first reading of a later interval arrives. Keeps the last `retain` closed intervals.
 */
export class IntervalSeries {
  private readonly closed: ClosedInterval[] = [];
  private openIndex: number | undefined;
  private open = new Map<string, Accumulator>();

  constructor(
    private readonly intervalMs: number,
    private retain: number,
    private readonly aggregationOf: (field: string) => Aggregation,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
    if (!Number.isInteger(retain) || retain < 1) throw new RangeError(`retain must be >= 1, got ${retain}`);
  }

  /** Keeps at least `count` closed intervals from now on (a newly loaded model may need a longer window). */
  retainAtLeast(count: number): void {
    this.retain = Math.max(this.retain, count);
  }

  add(ts: number, values: Readonly<Record<string, number>>): AddOutcome {
    const index = Math.floor(ts / this.intervalMs);
    if (this.openIndex !== undefined && index < this.openIndex) return { kind: 'late' };
    let outcome: AddOutcome = { kind: 'open' };
    if (this.openIndex !== undefined && index > this.openIndex) {
      const interval = { index: this.openIndex, values: this.finish() };
      this.closed.push(interval);
      while (this.closed.length > this.retain) this.closed.shift();
      outcome = { kind: 'closed', interval };
    }
    this.openIndex = index;
    for (const field of Object.keys(values)) {
      const value = values[field];
      const acc = this.open.get(field);
      if (acc) {
        acc.sum += value;
        acc.count += 1;
        acc.last = value;
      } else this.open.set(field, { sum: value, count: 1, last: value });
    }
    return outcome;
  }

  /** The newest `length` closed intervals, oldest first, or undefined unless they are consecutive. */
  window(length: number): ClosedInterval[] | undefined {
    if (length > this.closed.length) return undefined;
    const window = this.closed.slice(this.closed.length - length);
    for (let i = 1; i < window.length; i++) {
      if (window[i].index !== window[i - 1].index + 1) return undefined;
    }
    return window;
  }

  private finish(): Record<string, number> {
    const values: Record<string, number> = {};
    for (const [field, acc] of this.open) {
      const aggregation = this.aggregationOf(field);
      switch (aggregation) {
        case 'sum':
          values[field] = acc.sum;
          break;
        case 'mean':
          values[field] = acc.sum / acc.count;
          break;
        case 'last':
          values[field] = acc.last;
          break;
      }
    }
    this.open = new Map();
    return values;
  }
}
