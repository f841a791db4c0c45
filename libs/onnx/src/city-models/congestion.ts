import { attr, OnnxGraphBuilder } from '../build/graph-builder';
import { predict, predictClasses } from '../train/dense-network';
import { appendNetwork } from '../train/export-onnx';
import { fitMlpClassifier } from '../train/fit';
import type { TrainedCityModel } from './city-model';
import { accuracy, macroF1 } from './evaluation';
import { buildRows, floatFeed, resourcesOf, sliceRows, splitAt } from './features';
import { CONGESTION_LEVELS, TRAFFIC_INTERVAL_S, type TrafficSample } from './synthetic-city';

export const CONGESTION_WINDOW = 3;
const TEST_FRACTION = 0.25;
const CHECK_ROWS = 64;
const FIELDS = ['vehicleCount', 'meanSpeedKmh', 'occupancyPct'] as const;
const COLUMNS = Array.from({ length: CONGESTION_WINDOW }, (_, i) =>
  FIELDS.map((f) => `${f}[t-${CONGESTION_WINDOW - 1 - i}]`),
)
  .flat()
  .map((c) => c.replace('[t-0]', '[t]'));

function majority(labels: ArrayLike<number>, classCount: number): number {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.indexOf(Math.max(...counts));
}

/** free / slow / congested for the current interval from the last three readings of one loop. */
export function trainCongestionClassifier(history: readonly TrafficSample[], seed: number): TrainedCityModel {
  const rows = buildRows(history.length, (t) =>
    t < CONGESTION_WINDOW - 1
      ? undefined
      : {
          x: history.slice(t - CONGESTION_WINDOW + 1, t + 1).flatMap((s) => FIELDS.map((f) => s.values[f])),
          y: history[t].congestion,
        },
  );
  const split = splitAt(rows.x.rows, TEST_FRACTION);
  const trainX = sliceRows(rows.x, 0, split);
  const testX = sliceRows(rows.x, split, rows.x.rows);
  const trainLabels = rows.y.subarray(0, split);
  const actual = rows.y.subarray(split);
  const classCount = CONGESTION_LEVELS.length;

  const { network } = fitMlpClassifier(trainX, trainLabels, classCount, {
    hidden: 8,
    activation: 'tanh',
    epochs: 25,
    learningRate: 0.01,
    batchSize: 64,
    initSeed: seed,
  });
  const predicted = predictClasses(network, testX);
  const majorityClass = majority(trainLabels, classCount);
  const baseline = new Array<number>(actual.length).fill(majorityClass);

  const builder = new OnnxGraphBuilder('congestion_classifier');
  const input = builder.input('features', 'float32', ['batch', COLUMNS.length]);
  const probabilities = appendNetwork(builder, network, input, { output: 'probabilities' });
  builder.op('ArgMax', [probabilities], { axis: attr.int(1), keepdims: attr.int(1) }, 'congestionLevel');
  builder.output(probabilities, 'float32', ['batch', classCount]);
  builder.output('congestionLevel', 'int64', ['batch', 1]);
  const bytes = builder.build({ docString: 'Congestion level of a traffic-loop approach (MLP classifier).' });

  const check = floatFeed(testX, CHECK_ROWS);
  const checkRows = check.dims[0];
  return {
    name: 'congestion-classifier',
    version: '1.0.0',
    bytes,
    metadata: {
      task: 'classification',
      description: 'Classifies an approach as free, slow or congested from its last three readings.',
      siteKinds: ['traffic'],
      telemetry: [
        {
          sensorKind: 'traffic-loop',
          fields: [...FIELDS],
          windowLength: CONGESTION_WINDOW,
          intervalSeconds: TRAFFIC_INTERVAL_S,
        },
      ],
      context: [],
      inputs: [
        {
          name: 'features',
          elementType: 'float32',
          shape: ['batch', COLUMNS.length],
          description: 'Three readings (oldest first), each vehicleCount, meanSpeedKmh, occupancyPct',
          columns: COLUMNS,
        },
      ],
      outputs: [
        {
          name: 'probabilities',
          elementType: 'float32',
          shape: ['batch', classCount],
          description: 'Probability of each congestion level',
          labels: [...CONGESTION_LEVELS],
        },
        {
          name: 'congestionLevel',
          elementType: 'int64',
          shape: ['batch', 1],
          description: 'Most likely congestion level (index into labels)',
          labels: [...CONGESTION_LEVELS],
        },
      ],
      resources: resourcesOf(bytes),
      latencySloMs: 50,
    },
    metrics: {
      trainSamples: split,
      heldOutSamples: actual.length,
      headline: {
        metric: 'macro F1',
        model: macroF1(actual, predicted, classCount),
        baseline: macroF1(actual, baseline, classCount),
        baselineName: `majority class (${CONGESTION_LEVELS[majorityClass]})`,
        lowerIsBetter: false,
      },
      details: { accuracy: accuracy(actual, predicted), baselineAccuracy: accuracy(actual, baseline) },
    },
    check: {
      feeds: { features: check },
      expected: {
        probabilities: {
          type: 'float32',
          dims: [checkRows, classCount],
          data: Float32Array.from(predict(network, sliceRows(testX, 0, checkRows)).values),
        },
        congestionLevel: {
          type: 'int64',
          dims: [checkRows, 1],
          data: BigInt64Array.from(Array.from(predicted.subarray(0, checkRows), (c) => BigInt(c))),
        },
      },
    },
  };
}
