import { performance } from 'node:perf_hooks';
import { medianMs, type InferenceCost, type TensorData } from '@polis/inference';
import type { BatchOutput } from '../sessions/session-worker';

export interface BatchRunner {
  run(feeds: Record<string, TensorData>): Promise<BatchOutput>;
}

export interface CostProbe {
  /** Width of each float32 input, from the feature plan. */
  inputs: readonly { name: string; width: number }[];
  fullBatchRows: number;
  /** A full batch is measured only if one row fits this budget (a slower model never runs inline). */
  budgetMs: number;
  /** Timed runs per batch size, after WARM_UP_RUNS; fewer if they take longer than `maxMsPerSize`. */
  runs?: number;
  maxMsPerSize?: number;
}

const WARM_UP_RUNS = 3;
const MIN_RUNS = 3;

/**
 * Measures `session.run` of a one-row and a full batch of zeros on `runner` (a worker or the inline session):
 * the median of the times each run reports. All four city models cost the same for any input values.
 */
export async function measureCost(runner: BatchRunner, probe: CostProbe): Promise<InferenceCost> {
  const batch1Ms = await medianRun(runner, probe, 1);
  const fullBatchMs =
    batch1Ms <= probe.budgetMs && probe.fullBatchRows > 1
      ? await medianRun(runner, probe, probe.fullBatchRows)
      : probe.fullBatchRows === 1
        ? batch1Ms
        : Number.POSITIVE_INFINITY;
  return { batch1Ms, fullBatchMs, fullBatchRows: probe.fullBatchRows };
}

async function medianRun(runner: BatchRunner, probe: CostProbe, rows: number): Promise<number> {
  const runs = probe.runs ?? 15;
  const maxMs = probe.maxMsPerSize ?? 200;
  const feeds = (): Record<string, TensorData> =>
    Object.fromEntries(
      probe.inputs.map(({ name, width }) => [
        name,
        { type: 'float32', dims: [rows, width], data: new Float32Array(rows * width) },
      ]),
    );
  for (let i = 0; i < WARM_UP_RUNS; i++) await runner.run(feeds());
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < runs && (samples.length < MIN_RUNS || performance.now() - started < maxMs)) {
    samples.push((await runner.run(feeds())).runMs);
  }
  return medianMs(samples);
}
