/** A tensor as it crosses the worker boundary: plain data, no onnxruntime objects. */
export interface TensorData {
  type: 'float32' | 'int64' | 'bool';
  dims: number[];
  data: Float32Array | BigInt64Array | Uint8Array;
}

/** Stacks one row per window into a [rows, width] float32 tensor per input. */
export function stackRows(
  rows: readonly Record<string, Float32Array>[],
  inputs: readonly string[],
): Record<string, TensorData> {
  if (rows.length === 0) throw new RangeError('cannot stack an empty batch');
  const feeds: Record<string, TensorData> = {};
  for (const name of inputs) {
    const width = rows[0][name]?.length;
    if (width === undefined) throw new RangeError(`row 0 has no input "${name}"`);
    const data = new Float32Array(rows.length * width);
    rows.forEach((row, r) => {
      const values = row[name];
      if (values?.length !== width) throw new RangeError(`row ${r} of input "${name}" is not ${width} wide`);
      data.set(values, r * width);
    });
    feeds[name] = { type: 'float32', dims: [rows.length, width], data };
  }
  return feeds;
}

/** Splits batch outputs back into one `{output: values}` per row; int64 and bool become plain numbers. */
export function splitRows(
  outputs: Readonly<Record<string, TensorData>>,
  rows: number,
): Record<string, number[]>[] {
  const perRow: Record<string, number[]>[] = Array.from({ length: rows }, () => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== rows) {
      throw new RangeError(`output "${name}" has ${tensor.dims[0]} rows, the batch has ${rows}`);
    }
    let width = 1;
    for (let d = 1; d < tensor.dims.length; d++) width *= tensor.dims[d];
    if (tensor.data.length !== rows * width) {
      throw new RangeError(`output "${name}" holds ${tensor.data.length} values, dims say ${rows * width}`);
    }
    for (let r = 0; r < rows; r++) {
      const values = new Array<number>(width);
      const data = tensor.data;
      if (data instanceof Float32Array) for (let i = 0; i < width; i++) values[i] = data[r * width + i];
      else for (let i = 0; i < width; i++) values[i] = Number(data[r * width + i]);
      perRow[r][name] = values;
    }
  }
  return perRow;
}
