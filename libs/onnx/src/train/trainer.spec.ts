import {
  createNetwork,
  getParameters,
  parameterCount,
  predict,
  predictClasses,
  setParameters,
} from './dense-network';
import { fitLogisticRegression, fitMlpRegressor, fitRidgeRegression, fitSoftmaxClassifier } from './fit';
import { datasetLoss, federatedAverage, trainEpochs } from './gradient-training';
import { column, matrix, type Matrix } from './matrix';
import { SeededRandom } from './random';
import { fitStandardizer } from './standardizer';

/** y = 3·x0 − 2·x1 + 0·x2 + 5 + noise, with features on very different scales. */
function linearData(rows: number, seed: number, noise = 0.01): { x: Matrix; y: Matrix } {
  const random = new SeededRandom(seed);
  const x = matrix(rows, 3);
  const y = matrix(rows, 1);
  for (let r = 0; r < rows; r++) {
    const [a, b, c] = [random.normal(0, 1), random.normal(100, 20), random.normal(0, 0.01)];
    x.values.set([a, b, c], r * 3);
    y.values[r] = 3 * a - 2 * b + 5 + random.normal(0, noise);
  }
  return { x, y };
}

/** Effective coefficients in raw units, read off the model by probing it. */
function rawCoefficients(network: ReturnType<typeof createNetwork>, cols: number): number[] {
  const probes = matrix(cols + 1, cols);
  for (let i = 0; i < cols; i++) probes.values[(i + 1) * cols + i] = 1;
  const out = predict(network, probes).values;
  return [out[0], ...Array.from({ length: cols }, (_, i) => out[i + 1] - out[0])];
}

describe('fitRidgeRegression', () => {
  it('recovers the generating coefficients of linear data', () => {
    const { x, y } = linearData(500, 1);
    const { network, metrics } = fitRidgeRegression(x, y, { lambda: 1e-8 });
    const [intercept, w0, w1] = rawCoefficients(network, 3);
    expect(intercept).toBeCloseTo(5, 1);
    expect(w0).toBeCloseTo(3, 2);
    expect(w1).toBeCloseTo(-2, 3);
    expect(metrics).toMatchObject({ method: 'closed-form', sampleCount: 500 });
  });

  it('shrinks weights as lambda grows', () => {
    const { x, y } = linearData(200, 2);
    const small = Math.abs(rawCoefficients(fitRidgeRegression(x, y, { lambda: 1e-6 }).network, 3)[1]);
    const large = Math.abs(rawCoefficients(fitRidgeRegression(x, y, { lambda: 10 }).network, 3)[1]);
    expect(large).toBeLessThan(small * 0.5);
  });
});

describe('gradient training', () => {
  it('converges to the closed-form solution on linear data', () => {
    const { x, y } = linearData(400, 3);
    const start = createNetwork({
      normalizer: fitStandardizer(x),
      hidden: [],
      outputs: 1,
      head: 'identity',
      outputScale: { scale: Float32Array.of(40), offset: Float32Array.of(-195) },
      seed: 5,
    });
    const update = trainEpochs(start, { x, y }, { epochs: 150, learningRate: 0.05, batchSize: 32, seed: 9 });
    expect(update.lossAfter).toBeLessThan(update.lossBefore / 100);
    const [, w0, w1] = rawCoefficients(update.network, 3);
    expect(w0).toBeCloseTo(3, 1);
    expect(w1).toBeCloseTo(-2, 1);
  });

  it('is deterministic for a seed and does not mutate its input network', () => {
    const { x, y } = linearData(100, 4);
    const start = createNetwork({
      normalizer: fitStandardizer(x),
      hidden: [4],
      outputs: 1,
      head: 'identity',
      seed: 1,
    });
    const before = getParameters(start);
    const a = trainEpochs(start, { x, y }, { epochs: 3, seed: 2 });
    const b = trainEpochs(start, { x, y }, { epochs: 3, seed: 2 });
    expect(getParameters(a.network)).toEqual(getParameters(b.network));
    expect(getParameters(start)).toEqual(before);
    expect(a.sampleCount).toBe(100);
    expect(a.lossHistory).toHaveLength(3);
  });

  it('rejects data that does not fit the network', () => {
    const { x, y } = linearData(10, 5);
    const network = createNetwork({
      normalizer: fitStandardizer(x),
      hidden: [],
      outputs: 2,
      head: 'identity',
      seed: 1,
    });
    expect(() => trainEpochs(network, { x, y }, { epochs: 1 })).toThrow(/y has 1 columns, the network has 2/);
    expect(() => trainEpochs(network, { x: matrix(0, 3), y: matrix(0, 2) }, { epochs: 1 })).toThrow(/empty/);
  });
});

describe('classifiers', () => {
  function blobs(perClass: number, centres: number[][], seed: number): { x: Matrix; labels: number[] } {
    const random = new SeededRandom(seed);
    const rows: number[] = [];
    const labels: number[] = [];
    centres.forEach((c, label) => {
      for (let i = 0; i < perClass; i++) {
        rows.push(...c.map((v) => v + random.normal(0, 0.5)));
        labels.push(label);
      }
    });
    return { x: matrix(labels.length, centres[0].length, rows), labels };
  }

  it('logistic regression separates two blobs', () => {
    const { x, labels } = blobs(
      100,
      [
        [0, 0],
        [3, 3],
      ],
      1,
    );
    const { network } = fitLogisticRegression(x, labels, { epochs: 30, learningRate: 0.05, initSeed: 1 });
    const correct = predictClasses(network, x).filter((c, i) => c === labels[i]).length;
    expect(correct / labels.length).toBeGreaterThan(0.97);
    expect(() =>
      fitLogisticRegression(
        x,
        labels.map(() => 2),
        { epochs: 1, initSeed: 1 },
      ),
    ).toThrow(/outside 0..1/);
  });

  it('softmax classifier separates three blobs and outputs probabilities', () => {
    const { x, labels } = blobs(
      80,
      [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
      2,
    );
    const { network } = fitSoftmaxClassifier(x, labels, 3, { epochs: 40, learningRate: 0.05, initSeed: 2 });
    const correct = predictClasses(network, x).filter((c, i) => c === labels[i]).length;
    expect(correct / labels.length).toBeGreaterThan(0.95);
    const p = predict(network, x);
    for (let r = 0; r < p.rows; r++)
      expect(p.values[r * 3] + p.values[r * 3 + 1] + p.values[r * 3 + 2]).toBeCloseTo(1, 5);
  });
});

describe('MLP', () => {
  it('fits a nonlinear function that a linear model cannot', () => {
    const random = new SeededRandom(3);
    const x = matrix(
      400,
      1,
      Array.from({ length: 400 }, () => random.uniform(-3, 3)),
    );
    const y = matrix(
      400,
      1,
      Array.from(column(x, 0), (v) => Math.sin(v) * 10),
    );
    const linear = fitRidgeRegression(x, y).network;
    const mlp = fitMlpRegressor(x, y, {
      hidden: 16,
      activation: 'tanh',
      epochs: 200,
      learningRate: 0.01,
      initSeed: 1,
    });
    const relu = fitMlpRegressor(x, y, {
      hidden: 16,
      activation: 'relu',
      epochs: 200,
      learningRate: 0.01,
      initSeed: 1,
    });
    const mse = (net: typeof linear): number => datasetLoss(net, { x, y });
    expect(mse(mlp.network)).toBeLessThan(mse(linear) / 10);
    expect(mse(relu.network)).toBeLessThan(mse(linear) / 5);
    expect(mlp.metrics.lossHistory[mlp.metrics.lossHistory.length - 1]).toBeLessThan(
      mlp.metrics.lossHistory[0],
    );
  });
});

describe('parameters for federated learning', () => {
  const network = createNetwork({
    normalizer: fitStandardizer(matrix(2, 3, [1, 2, 3, 4, 5, 6])),
    hidden: [4],
    outputs: 2,
    head: 'softmax',
    seed: 11,
  });

  it('flattens and restores every trainable parameter', () => {
    expect(parameterCount(network)).toBe(3 * 4 + 4 + 4 * 2 + 2);
    const flat = getParameters(network).map((_, i) => i);
    const restored = setParameters(network, flat);
    expect(getParameters(restored)).toEqual(flat);
    expect(restored.layers[1].bias).toEqual(Float32Array.of(flat.length - 2, flat.length - 1));
    expect(() => setParameters(network, new Float32Array(3))).toThrow(/expected 26 parameters, got 3/);
  });

  it('uses deterministic seeded initialisation', () => {
    const again = createNetwork({
      normalizer: network.normalizer,
      hidden: [4],
      outputs: 2,
      head: 'softmax',
      seed: 11,
    });
    const other = createNetwork({
      normalizer: network.normalizer,
      hidden: [4],
      outputs: 2,
      head: 'softmax',
      seed: 12,
    });
    expect(getParameters(again)).toEqual(getParameters(network));
    expect(getParameters(other)).not.toEqual(getParameters(network));
  });

  it('averages client parameters weighted by sample count (FedAvg)', () => {
    const avg = federatedAverage([
      { parameters: Float32Array.of(0, 10), sampleCount: 1 },
      { parameters: Float32Array.of(4, 2), sampleCount: 3 },
    ]);
    expect(Array.from(avg)).toEqual([3, 4]);
    expect(() => federatedAverage([])).toThrow(/at least one sample/);
  });

  it('two clients training locally and averaging improve on the starting model', () => {
    const { x, y } = linearData(300, 6);
    const start = fitRidgeRegression(
      matrix(2, 3, [0, 90, 0, 1, 110, 0.01]),
      matrix(2, 1, [-175, -212]),
    ).network;
    const half = (from: number, to: number): { x: Matrix; y: Matrix } => ({
      x: { rows: to - from, cols: 3, values: x.values.slice(from * 3, to * 3) },
      y: { rows: to - from, cols: 1, values: y.values.slice(from, to) },
    });
    let global = start;
    for (let round = 0; round < 5; round++) {
      const updates = [half(0, 100), half(100, 300)].map((d, i) =>
        trainEpochs(global, d, { epochs: 2, learningRate: 0.05, seed: round * 2 + i }),
      );
      global = setParameters(
        global,
        federatedAverage(
          updates.map((u) => ({ parameters: getParameters(u.network), sampleCount: u.sampleCount })),
        ),
      );
    }
    expect(datasetLoss(global, { x, y })).toBeLessThan(datasetLoss(start, { x, y }) / 10);
  });
});
