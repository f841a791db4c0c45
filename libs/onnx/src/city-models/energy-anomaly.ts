import { OnnxGraphBuilder } from '../build/graph-builder';
import { predict } from '../train/dense-network';
import { appendNetwork } from '../train/export-onnx';
import { fitMlpRegressor } from '../train/fit';
import { matrix } from '../train/matrix';
import type { TrainedCityModel } from './city-model';
import { binaryScores } from './evaluation';
import { buildRows, floatFeed, resourcesOf, sliceRows, splitAt, timeFeatures } from './features';
import { ENERGY_INTERVAL_S, hourOfDay, type EnergySample } from './synthetic-city';

const TEST_FRACTION = 0.25;
const CHECK_ROWS = 96;
const COLUMNS = ['hourSin', 'hourCos', 'weekend', 'halfDaySin', 'halfDayCos', 'temperatureC'];
const THRESHOLDS = Array.from({ length: 41 }, (_, i) => 1 + i * 0.25);

/** Context that explains normal load: time of day (two harmonics), weekend, air temperature. */
function contextRow(sample: EnergySample): number[] {
  const angle = (4 * Math.PI * hourOfDay(sample.ts)) / 24;
  return [...timeFeatures(sample.ts), Math.sin(angle), Math.cos(angle), sample.temperatureC];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The threshold (from a fixed grid) with the best F1 on training data: labels exist only in simulation. */
function tuneThreshold(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  let best = THRESHOLDS[0];
  let bestF1 = -1;
  for (const threshold of THRESHOLDS) {
    const f1 = binaryScores(
      labels,
      Array.from(scores, (s) => s > threshold),
    ).f1;
    if (f1 > bestF1) [best, bestF1] = [threshold, f1];
  }
  return best;
}

/**
 * Residual anomaly detector: an MLP predicts the load that time and temperature explain; the score is the
 * absolute residual in robust standard deviations and a reading is flagged above a tuned threshold.
 */
export function trainEnergyAnomalyDetector(history: readonly EnergySample[], seed: number): TrainedCityModel {
  const rows = buildRows(history.length, (t) => ({
    x: contextRow(history[t]),
    y: history[t].values.activePowerKw,
  }));
  const labels = history.map((s) => s.anomaly);
  const split = splitAt(rows.x.rows, TEST_FRACTION);
  const trainX = sliceRows(rows.x, 0, split);
  const testX = sliceRows(rows.x, split, rows.x.rows);
  const trainY = rows.y.subarray(0, split);
  const testY = rows.y.subarray(split);

  const { network } = fitMlpRegressor(trainX, matrix(split, 1, trainY), {
    hidden: 16,
    activation: 'tanh',
    epochs: 80,
    learningRate: 0.005,
    batchSize: 32,
    initSeed: seed,
  });
  const trainResiduals = Array.from(predict(network, trainX).values, (p, i) => trainY[i] - p);
  // Median absolute deviation: the injected faults in the training history do not inflate the scale.
  const sigma = Math.fround(1.4826 * median(trainResiduals.map(Math.abs)));
  const trainScores = trainResiduals.map((r) => Math.abs(r) / sigma);
  const threshold = Math.fround(tuneThreshold(trainScores, labels.slice(0, split)));
  const expected = predict(network, testX).values;
  const testScores = Array.from(testY, (y, i) => Math.abs(y - expected[i]) / sigma);
  const scores = binaryScores(
    labels.slice(split),
    testScores.map((s) => s > threshold),
  );

  // Baseline: a global z-score of the load, with its threshold tuned the same way.
  const mean = trainY.reduce((a, b) => a + b, 0) / split;
  const std = Math.sqrt(trainY.reduce((a, b) => a + (b - mean) ** 2, 0) / split);
  const zThreshold = tuneThreshold(
    Array.from(trainY, (y) => Math.abs(y - mean) / std),
    labels.slice(0, split),
  );
  const baseline = binaryScores(
    labels.slice(split),
    Array.from(testY, (y) => Math.abs(y - mean) / std > zThreshold),
  );

  const builder = new OnnxGraphBuilder('energy_anomaly_detector');
  const context = builder.input('context', 'float32', ['batch', COLUMNS.length]);
  const observed = builder.input('observedKw', 'float32', ['batch', 1]);
  const expectedKw = appendNetwork(builder, network, context, { output: 'expectedKw' });
  const residual = builder.op('Sub', [observed, expectedKw]);
  const magnitude = builder.op('Abs', [residual]);
  const sigmaName = builder.initializer('sigma_kw', Float32Array.of(sigma), [1]);
  builder.op('Div', [magnitude, sigmaName], undefined, 'score');
  const thresholdName = builder.initializer('threshold', Float32Array.of(threshold), [1]);
  builder.op('Greater', ['score', thresholdName], undefined, 'anomaly');
  builder.output('score', 'float32', ['batch', 1]);
  builder.output('anomaly', 'bool', ['batch', 1]);
  builder.output(expectedKw, 'float32', ['batch', 1]);
  const bytes = builder.build({
    docString: 'Feeder load anomaly detector (MLP residual score with threshold).',
    metadata: { sigmaKw: String(sigma), threshold: String(threshold) },
  });

  const check = floatFeed(testX, CHECK_ROWS);
  const n = check.dims[0];
  const checkScores = Float32Array.from(testScores.slice(0, n));
  return {
    name: 'energy-anomaly-detector',
    version: '1.1.0',
    bytes,
    metadata: {
      task: 'anomaly-detection',
      description: 'Scores each feeder reading against the load expected for its time and temperature.',
      siteKinds: ['energy', 'safety'],
      telemetry: [
        {
          sensorKind: 'energy-meter',
          fields: ['activePowerKw'],
          windowLength: 1,
          intervalSeconds: ENERGY_INTERVAL_S,
        },
      ],
      context: ['clock', 'weather.temperatureC'],
      inputs: [
        {
          name: 'context',
          elementType: 'float32',
          shape: ['batch', COLUMNS.length],
          description: 'Time of the reading and the air temperature',
          columns: COLUMNS,
        },
        {
          name: 'observedKw',
          elementType: 'float32',
          shape: ['batch', 1],
          description: 'The reading',
          columns: ['activePowerKw[t]'],
          unit: 'kW',
        },
      ],
      outputs: [
        {
          name: 'score',
          elementType: 'float32',
          shape: ['batch', 1],
          description: '|observed - expected| / sigma',
        },
        { name: 'anomaly', elementType: 'bool', shape: ['batch', 1], description: `score > ${threshold}` },
        {
          name: 'expectedKw',
          elementType: 'float32',
          shape: ['batch', 1],
          description: 'Expected load',
          unit: 'kW',
        },
      ],
      resources: resourcesOf(bytes),
      latencySloMs: 100,
    },
    metrics: {
      trainSamples: split,
      heldOutSamples: testY.length,
      headline: {
        metric: 'F1 (anomalous readings)',
        model: scores.f1,
        baseline: baseline.f1,
        baselineName: 'global z-score of load',
        lowerIsBetter: false,
      },
      details: {
        precision: scores.precision,
        recall: scores.recall,
        baselinePrecision: baseline.precision,
        baselineRecall: baseline.recall,
        threshold,
        sigmaKw: sigma,
      },
    },
    check: {
      feeds: {
        context: check,
        observedKw: { type: 'float32', dims: [n, 1], data: Float32Array.from(testY.subarray(0, n)) },
      },
      expected: {
        score: { type: 'float32', dims: [n, 1], data: checkScores },
        anomaly: {
          type: 'bool',
          dims: [n, 1],
          data: Uint8Array.from(checkScores, (s) => (s > threshold ? 1 : 0)),
        },
        expectedKw: { type: 'float32', dims: [n, 1], data: Float32Array.from(expected.subarray(0, n)) },
      },
    },
  };
}
