/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import { inspectModel, trainCityModels, type FeedTensor, type TrainedCityModel } from '@polis/onnx';
import { InferenceSession, Tensor } from 'onnxruntime-node';

function toTensor(feed: FeedTensor): Tensor {
  return new Tensor(feed.type, feed.data, feed.dims);
}

describe('city models in onnxruntime-node', () => {
  const models: TrainedCityModel[] = trainCityModels(42);

  it.each(models.map((m) => [m.name, m] as const))(
    '%s matches the TypeScript forward pass',
    async (_name, model) => {
      const session = await InferenceSession.create(Buffer.from(model.bytes));
      try {
        const insight = inspectModel(model.bytes);
        expect([...session.inputNames]).toEqual(insight.inputs.map((i) => i.name));
        expect([...session.outputNames].sort()).toEqual(insight.outputs.map((o) => o.name).sort());

        const feeds = Object.fromEntries(
          Object.entries(model.check.feeds).map(([name, f]) => [name, toTensor(f)]),
        );
        const results = await session.run(feeds);
        for (const [name, expected] of Object.entries(model.check.expected)) {
          const actual = results[name];
          expect({ name, dims: [...actual.dims] }).toEqual({ name, dims: expected.dims });
          expect(actual.type).toBe(expected.type);
          if (expected.type === 'float32') {
            const values = actual.data as Float32Array;
            expected.data.forEach((e, i) => {
              expect(Math.abs(values[i] - e)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(e)));
            });
          } else if (expected.type === 'bool') {
            // Flags of scores within float32 rounding of the threshold may legitimately differ; there are none here.
            expect(Array.from(actual.data as Uint8Array)).toEqual(Array.from(expected.data));
          } else {
            expect(Array.from(actual.data as BigInt64Array)).toEqual(Array.from(expected.data));
          }
        }
      } finally {
        await session.release();
      }
    },
  );

  it('the anomaly detector flags at least one reading in its check batch and the flags follow the score', async () => {
    const detector = models.find((m) => m.name === 'energy-anomaly-detector')!;
    const session = await InferenceSession.create(Buffer.from(detector.bytes));
    try {
      const feeds = Object.fromEntries(
        Object.entries(detector.check.feeds).map(([n, f]) => [n, toTensor(f)]),
      );
      // Push one reading far above what its context explains.
      const observed = feeds.observedKw.data as Float32Array;
      observed[0] = observed[0] * 3;
      const out = await session.run(feeds);
      const threshold = Number(detector.metrics.details.threshold);
      const scores = out.score.data as Float32Array;
      const flags = out.anomaly.data as Uint8Array;
      expect(flags[0]).toBe(1);
      scores.forEach((s, i) => expect(flags[i]).toBe(s > threshold ? 1 : 0));
    } finally {
      await session.release();
    }
  });
});
