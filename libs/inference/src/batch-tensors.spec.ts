import { splitRows, stackRows } from './batch-tensors';

describe('stackRows / splitRows', () => {
  it('stacks rows per input in order', () => {
    const feeds = stackRows(
      [
        { a: Float32Array.of(1, 2), b: Float32Array.of(9) },
        { a: Float32Array.of(3, 4), b: Float32Array.of(8) },
      ],
      ['a', 'b'],
    );
    expect(feeds.a).toEqual({ type: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(feeds.b.dims).toEqual([2, 1]);
  });

  it('refuses ragged rows and an empty batch', () => {
    expect(() => stackRows([{ a: Float32Array.of(1) }, { a: Float32Array.of(1, 2) }], ['a'])).toThrow(
      /row 1/,
    );
    expect(() => stackRows([], ['a'])).toThrow(RangeError);
  });

  it('splits float, int64 and bool outputs into numbers per row', () => {
    const rows = splitRows(
      {
        p: { type: 'float32', dims: [2, 3], data: Float32Array.of(0.5, 0.25, 0.25, 0, 1, 0) },
        level: { type: 'int64', dims: [2, 1], data: BigInt64Array.of(0n, 1n) },
        flag: { type: 'bool', dims: [2, 1], data: Uint8Array.of(1, 0) },
      },
      2,
    );
    expect(rows).toEqual([
      { p: [0.5, 0.25, 0.25], level: [0], flag: [1] },
      { p: [0, 1, 0], level: [1], flag: [0] },
    ]);
  });

  it('refuses outputs whose row count or size disagrees with the batch', () => {
    expect(() => splitRows({ x: { type: 'float32', dims: [3, 1], data: new Float32Array(3) } }, 2)).toThrow(
      /3 rows/,
    );
    expect(() => splitRows({ x: { type: 'float32', dims: [2, 2], data: new Float32Array(3) } }, 2)).toThrow(
      /holds 3/,
    );
  });
});
