import type { Matrix } from './matrix';

/** Per-column affine transform (x - mean) / scale, fitted on training data and shipped with the model. */
export interface Standardizer {
  mean: Float32Array;
  scale: Float32Array;
}

/** Constant columns get scale 1 so they map to 0 instead of dividing by zero. */
export function fitStandardizer(data: Matrix): Standardizer {
  const mean = new Float64Array(data.cols);
  const squares = new Float64Array(data.cols);
  for (let r = 0; r < data.rows; r++) {
    for (let c = 0; c < data.cols; c++) mean[c] += data.values[r * data.cols + c];
  }
  for (let c = 0; c < data.cols; c++) mean[c] /= Math.max(1, data.rows);
  for (let r = 0; r < data.rows; r++) {
    for (let c = 0; c < data.cols; c++) squares[c] += (data.values[r * data.cols + c] - mean[c]) ** 2;
  }
  const scale = Float32Array.from(squares, (s) => {
    const std = Math.sqrt(s / Math.max(1, data.rows));
    return std > 1e-9 ? std : 1;
  });
  return { mean: Float32Array.from(mean), scale };
}

export function standardize(data: Matrix, s: Standardizer): Matrix {
  const values = new Float64Array(data.values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % data.cols;
    values[i] = (data.values[i] - s.mean[c]) / s.scale[c];
  }
  return { rows: data.rows, cols: data.cols, values };
}
