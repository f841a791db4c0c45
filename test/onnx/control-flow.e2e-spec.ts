/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import { OnnxGraphBuilder, ORT_OPSET_RANGE, describeModel } from '@polis/onnx';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { contribModel, ifModel, loopModel, scanModel } from '../models/control-flow-models';
import { sileroVadV4, sileroVadV5, wakeWordClassifier } from '../models/third-party-models';

async function run(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, { dims: readonly number[]; data: number[] }>> {
  const session = await InferenceSession.create(Buffer.from(bytes), { logSeverityLevel: 4 });
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([name, t]) => [
        name,
        { dims: t.dims, data: Array.from(t.data as Float32Array) },
      ]),
    );
  } finally {
    await session.release();
  }
}

const x = () => new Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]);
const bool = (v: boolean) => new Tensor('bool', Uint8Array.of(v ? 1 : 0), []);
/** The weights of control-flow-models.ts: element i is (i mod 5)/4 - 1/2. */
const weight = (i: number) => (i % 5) / 4 - 0.5;

/** Abramowitz-Stegun 7.1.26, |error| < 1.5e-7. */
function erf(v: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(v));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.sign(v) * (1 - poly * Math.exp(-v * v));
}

describe('control flow and contrib operators built with the graph builder, in onnxruntime-node', () => {
  it('If runs the branch its condition picks', async () => {
    const onTrue = await run(ifModel(), { x: x(), flag: bool(true) });
    const expected = Array.from({ length: 8 }, (_, j) =>
      Math.max(
        0,
        [1, 2, 3, 4].reduce((sum, v, i) => sum + v * weight(i * 8 + j), 0),
      ),
    );
    expect(onTrue.y.dims).toEqual([1, 8]);
    onTrue.y.data.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    expect((await run(ifModel(), { x: x(), flag: bool(false) })).y.data).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('Loop runs its body the constant or the given number of times', async () => {
    const three = await run(loopModel(3), { x: x() });
    expect(three.total.data).toEqual([3, 6, 9, 12]);
    expect(three.squares.dims).toEqual([3, 1, 4]);
    expect(three.squares.data).toEqual([1, 4, 9, 16, 4, 16, 36, 64, 9, 36, 81, 144]);
    const two = await run(loopModel('input'), {
      x: x(),
      steps: new Tensor('int64', BigInt64Array.of(2n), []),
    });
    expect(two.total.data).toEqual([2, 4, 6, 8]);
  });

  it('Scan emits running sums over the rows', async () => {
    const xs = new Tensor(
      'float32',
      Float32Array.from({ length: 20 }, (_, i) => i),
      [5, 4],
    );
    const out = await run(scanModel(), { xs });
    expect(out.total.data).toEqual([40, 45, 50, 55]);
    expect(out.sums.dims).toEqual([5, 4]);
    expect(out.sums.data.slice(4, 8)).toEqual([4, 6, 8, 10]);
  });

  it('com.microsoft FusedMatMul and Gelu compute Gelu(0.5·x·W)', async () => {
    const out = await run(contribModel(), { x: x() });
    expect(out.y.dims).toEqual([1, 3]);
    [0, 1, 2].forEach((j) => {
      const v = 0.5 * [1, 2, 3, 4].reduce((sum, xi, i) => sum + xi * weight(i * 3 + j), 0);
      expect(out.y.data[j]).toBeCloseTo(0.5 * v * (1 + erf(v / Math.SQRT2)), 5);
    });
  });
});

describe('the runtime opset range the default policy states (ORT_OPSET_RANGE)', () => {
  function identity(opset: number): Uint8Array {
    const b = new OnnxGraphBuilder('identity');
    b.op('Identity', [b.input('x', 'float32', [1, 4])], undefined, 'y');
    b.output('y', 'float32', [1, 4]);
    return b.build({ opset, irVersion: opset > 21 ? 10 : 8 });
  }

  it('loads and runs both ends of the range, and refuses the next opset itself', async () => {
    expect((await run(identity(ORT_OPSET_RANGE.min), { x: x() })).y.data).toEqual([1, 2, 3, 4]);
    expect((await run(identity(ORT_OPSET_RANGE.max), { x: x() })).y.data).toEqual([1, 2, 3, 4]);
    await expect(run(identity(ORT_OPSET_RANGE.max + 1), { x: x() })).rejects.toThrow(
      `Current official support for domain ai.onnx is till opset ${ORT_OPSET_RANGE.max}`,
    );
  });
});

describe('third-party models: the inspection agrees with what onnxruntime loads and computes', () => {
  it('Silero VAD v5 runs on 512 samples at 16 kHz with the ports the inspection read', async () => {
    const { bytes } = sileroVadV5();
    const insight = describeModel(bytes);
    const session = await InferenceSession.create(Buffer.from(bytes), { logSeverityLevel: 4 });
    expect(session.inputNames).toEqual(insight.inputs.map((i) => i.name));
    expect(session.outputNames).toEqual(insight.outputs.map((o) => o.name));
    await session.release();
    const out = await run(bytes, {
      input: new Tensor('float32', new Float32Array(512), [1, 512]),
      state: new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]),
      sr: new Tensor('int64', BigInt64Array.of(16000n), []),
    });
    expect(out.output.dims).toEqual([1, 1]);
    expect(out.output.data[0]).toBeGreaterThanOrEqual(0);
    expect(out.output.data[0]).toBeLessThan(0.5); // silence is not speech
    expect(out.stateN.dims).toEqual([2, 1, 128]);
  });

  it('Silero VAD v4 and the wake-word classifier have the inputs and outputs the inspection read', async () => {
    for (const { bytes } of [sileroVadV4(), wakeWordClassifier()]) {
      const insight = describeModel(bytes);
      const session = await InferenceSession.create(Buffer.from(bytes), { logSeverityLevel: 4 });
      expect(session.inputNames).toEqual(insight.inputs.map((i) => i.name));
      expect(session.outputNames).toEqual(insight.outputs.map((o) => o.name));
      await session.release();
    }
    const score = await run(wakeWordClassifier().bytes, {
      'onnx::Flatten_0': new Tensor('float32', new Float32Array(25 * 96), [1, 25, 96]),
    });
    expect(score['39'].dims).toEqual([1, 1]);
  });
});
