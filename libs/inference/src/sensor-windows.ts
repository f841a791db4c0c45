import type { Aggregation, FeaturePlan } from './feature-plan';
import { IntervalSeries, type ClosedInterval } from './interval-series';

export type ObserveOutcome =
  /** An interval closed and the newest `windowLength` intervals are consecutive: infer on them. */
  | { kind: 'window'; intervals: ClosedInterval[] }
  /** Nothing to infer yet (interval still open, or the window has a gap or is not full). */
  | { kind: 'pending' }
  | { kind: 'late' };

/** The interval series of every sensor of the kind the active model reads. */
export class SensorWindows {
  private readonly series = new Map<string, IntervalSeries>();
  private intervalMs: number;
  private retain: number;

  constructor(
    private plan: FeaturePlan,
    private readonly aggregationOf: (field: string) => Aggregation,
  ) {
    this.intervalMs = plan.intervalMs;
    this.retain = plan.windowLength;
  }

  get sensorKind(): string {
    return this.plan.sensorKind;
  }

  get sensors(): number {
    return this.series.size;
  }

  /**
   * Switches to another model's plan. History is kept when the interval is the same (a longer window fills
   * as intervals close); a different interval makes the old buckets meaningless, so they are dropped.
   */
  use(plan: FeaturePlan): void {
    if (plan.intervalMs !== this.intervalMs || plan.sensorKind !== this.plan.sensorKind) {
      this.series.clear();
      this.intervalMs = plan.intervalMs;
      this.retain = plan.windowLength;
    } else {
      this.retain = Math.max(this.retain, plan.windowLength);
      for (const series of this.series.values()) series.retainAtLeast(this.retain);
    }
    this.plan = plan;
  }

  observe(sensorId: string, ts: number, values: Readonly<Record<string, number>>): ObserveOutcome {
    let series = this.series.get(sensorId);
    if (!series) {
      series = new IntervalSeries(this.intervalMs, this.retain, this.aggregationOf);
      this.series.set(sensorId, series);
    }
    const outcome = series.add(ts, values);
    if (outcome.kind === 'late') return { kind: 'late' };
    if (outcome.kind === 'open') return { kind: 'pending' };
    const intervals = series.window(this.plan.windowLength);
    return intervals ? { kind: 'window', intervals } : { kind: 'pending' };
  }
}
