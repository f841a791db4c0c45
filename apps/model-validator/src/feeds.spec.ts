import type { ValueSignature } from '@polis/onnx';
import { SampleMismatchError, concreteDims, sampleFeeds, zeroFeeds } from './feeds';

const input = (name: string, elementType: ValueSignature['elementType'], shape: ValueSignature['shape']) =>
  ({ name, kind: 'tensor', elementType, shape }) as ValueSignature;

describe(concreteDims.name, () => {
  it('binds symbolic and unknown dimensions to 1 and keeps sizes', () => {
    expect(concreteDims(['batch', 3, '?', 2])).toEqual([1, 3, 1, 2]);
    expect(concreteDims([])).toEqual([]);
  });
});

describe(zeroFeeds.name, () => {
  it('builds zero tensors of the declared shape in the array type onnxruntime expects', () => {
    const feeds = zeroFeeds([
      input('x', 'float32', ['batch', 3]),
      input('ids', 'int64', [2]),
      input('mask', 'bool', ['n']),
      input('names', 'string', [2]),
      input('scalar', 'float64', []),
    ]);
    expect(feeds.map((f) => [f.name, f.type, f.dims, f.data.constructor.name, f.data.length])).toEqual([
      ['x', 'float32', [1, 3], 'Float32Array', 3],
      ['ids', 'int64', [2], 'BigInt64Array', 2],
      ['mask', 'bool', [1], 'Uint8Array', 1],
      ['names', 'string', [2], 'Array', 2],
      ['scalar', 'float64', [], 'Float64Array', 1],
    ]);
    expect(Array.from(feeds[0].data as Float32Array)).toEqual([0, 0, 0]);
  });
});

describe(sampleFeeds.name, () => {
  const inputs = [input('x', 'float32', ['batch', 2]), input('k', 'int64', [1])];

  it('types the sample by the model and takes dims from it or from the declaration', () => {
    const feeds = sampleFeeds(inputs, { x: { dims: [2, 2], data: [1, 2, 3, true] }, k: { data: [7] } });
    expect(feeds[0]).toMatchObject({ name: 'x', type: 'float32', dims: [2, 2] });
    expect(Array.from(feeds[0].data as Float32Array)).toEqual([1, 2, 3, 1]);
    expect(feeds[1]).toMatchObject({ name: 'k', type: 'int64', dims: [1], data: BigInt64Array.of(7n) });
  });

  it.each([
    [{ x: { data: [1, 2] } }, /does not give input "k"/],
    [{ x: { data: [1, 2] }, k: { data: [1] }, y: { data: [1] } }, /inputs the model does not have: y/],
    [{ x: { dims: [1, 3], data: [1, 2, 3] }, k: { data: [1] } }, /dimension 1 = 3, expected 2/],
    [{ x: { dims: [2], data: [1, 2] }, k: { data: [1] } }, /rank 1, the model declares rank 2/],
    [{ x: { data: [1, 2, 3] }, k: { data: [1] } }, /has 3 values, shape \[1, 2\] needs 2/],
    [{ x: { data: [1, 'a'] }, k: { data: [1] } }, /holds a string/],
    [{ x: { data: [1, 2] }, k: { data: [1.5] } }, /holds 1.5, the input takes integers/],
  ])('refuses a sample that does not fit: %j', (sample, message) => {
    expect(() => sampleFeeds(inputs, sample)).toThrow(SampleMismatchError);
    expect(() => sampleFeeds(inputs, sample)).toThrow(message);
  });
});
