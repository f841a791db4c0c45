import { describeModel } from '../inspect/inspect-model';
import { matrix, type Matrix } from '../train/matrix';
import type { CityModelMetadata, FeedTensor } from './city-model';
import { hourOfDay, isWeekend } from './synthetic-city';

export const TIME_FEATURE_NAMES = ['hourSin', 'hourCos', 'weekend'] as const;

/** Time of day on the unit circle (so 23:55 is next to 00:00) and a weekend flag. */
export function timeFeatures(ts: number): number[] {
  const angle = (2 * Math.PI * hourOfDay(ts)) / 24;
  return [Math.sin(angle), Math.cos(angle), isWeekend(ts) ? 1 : 0];
}

/** Builds one feature row per eligible index t of a series; `rowAt` returns undefined to skip t. */
export function buildRows(
  count: number,
  rowAt: (t: number) => { x: number[]; y: number } | undefined,
): {
  x: Matrix;
  y: Float64Array;
  index: number[];
} {
  const xs: number[][] = [];
  const ys: number[] = [];
  const index: number[] = [];
  for (let t = 0; t < count; t++) {
    const r = rowAt(t);
    if (!r) continue;
    xs.push(r.x);
    ys.push(r.y);
    index.push(t);
  }
  const cols = xs[0]?.length ?? 0;
  return { x: matrix(xs.length, cols, xs.flat()), y: Float64Array.from(ys), index };
}

/** Chronological split: the last `testFraction` of rows is held out (no shuffling across time). */
export function splitAt(rows: number, testFraction: number): number {
  return Math.floor(rows * (1 - testFraction));
}

export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { rows: end - start, cols: m.cols, values: m.values.slice(start * m.cols, end * m.cols) };
}

export function floatFeed(m: Matrix, rows: number): FeedTensor {
  const n = Math.min(rows, m.rows);
  return { type: 'float32', dims: [n, m.cols], data: Float32Array.from(m.values.subarray(0, n * m.cols)) };
}

/** ONNX session baseline (allocator arenas, graph) plus the model's own working set. */
const RUNTIME_BASE_MIB = 32;

export function resourcesOf(bytes: Uint8Array): CityModelMetadata['resources'] {
  const insight = describeModel(bytes);
  return {
    // The smallest slot we schedule: these models need well under a millisecond of one core per inference.
    cpuMillicores: 100,
    memoryMiB: RUNTIME_BASE_MIB + Math.ceil(insight.estimatedPeakMemoryBytes / (1024 * 1024)),
    estimatedFlops: insight.estimatedFlops,
  };
}
