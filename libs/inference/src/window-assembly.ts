import type { FeaturePlan } from './feature-plan';
import type { ClosedInterval } from './interval-series';
import { timeFeature } from './time-features';

/** One row per model input, ready to be stacked into a batch. */
export interface AssembledWindow {
  /** Start of interval t, the interval the inference is about (epoch ms). */
  ts: number;
  rows: Record<string, Float32Array>;
}

export type AssemblyResult =
  | { ok: true; window: AssembledWindow }
  | { ok: false; reason: 'missing-field' | 'missing-context' | 'non-finite'; detail: string };

/**
 * Builds the feeds of one inference from a sensor's newest closed intervals (oldest first, consecutive,
 * exactly `plan.windowLength` of them) and the site's context values.
 */
export function assembleWindow(
  plan: FeaturePlan,
  intervals: readonly ClosedInterval[],
  contextOf: (name: string) => number | undefined,
): AssemblyResult {
  if (intervals.length !== plan.windowLength) {
    throw new RangeError(`expected ${plan.windowLength} intervals, got ${intervals.length}`);
  }
  const reference = intervals[intervals.length - 1].index + plan.referenceLead;
  const rows: Record<string, Float32Array> = {};
  for (const input of plan.inputs) {
    const row = new Float32Array(input.sources.length);
    for (let c = 0; c < input.sources.length; c++) {
      const source = input.sources[c];
      let value: number | undefined;
      switch (source.kind) {
        case 'telemetry':
          value = intervals[source.position].values[source.field];
          if (value === undefined) {
            const at = intervals[source.position].index * plan.intervalMs;
            return {
              ok: false,
              reason: 'missing-field',
              detail: `${source.field} missing in interval at ${at}`,
            };
          }
          break;
        case 'time':
          value = timeFeature(source.feature, (reference + source.offset) * plan.intervalMs);
          break;
        case 'context':
          value = contextOf(source.name);
          if (value === undefined) {
            return { ok: false, reason: 'missing-context', detail: `no value for context "${source.name}"` };
          }
          break;
      }
      if (!Number.isFinite(value)) {
        return {
          ok: false,
          reason: 'non-finite',
          detail: `column ${c} of input "${input.name}" is ${value}`,
        };
      }
      row[c] = value;
    }
    rows[input.name] = row;
  }
  return { ok: true, window: { ts: reference * plan.intervalMs, rows } };
}
