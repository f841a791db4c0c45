/** A dense row-major matrix of float64 values: the training data format. */
export interface Matrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

export function matrix(rows: number, cols: number, values?: ArrayLike<number>): Matrix {
  if (values && values.length !== rows * cols) {
    throw new RangeError(`expected ${rows * cols} values for a ${rows}x${cols} matrix, got ${values.length}`);
  }
  return { rows, cols, values: values ? Float64Array.from(values) : new Float64Array(rows * cols) };
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== cols)) throw new RangeError('all rows must have the same length');
  return matrix(rows.length, cols, rows.flat());
}

export function row(m: Matrix, index: number): Float64Array {
  return m.values.subarray(index * m.cols, (index + 1) * m.cols);
}

export function column(m: Matrix, index: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, r) => m.values[r * m.cols + index]);
}

/** Rows selected by index, in the given order. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) out.values.set(row(m, indices[i]), i * m.cols);
  return out;
}

export function oneHot(labels: ArrayLike<number>, classCount: number): Matrix {
  const out = matrix(labels.length, classCount);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new RangeError(`label ${label} at row ${i} is outside 0..${classCount - 1}`);
    }
    out.values[i * classCount + label] = 1;
  }
  return out;
}

/** Solves A x = b for symmetric positive-definite A (n x n, row-major) by Cholesky decomposition. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (sum <= 0) throw new RangeError('matrix is not positive definite (add ridge regularisation)');
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
    y[i] = sum / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
    x[i] = sum / l[i * n + i];
  }
  return x;
}
