import { attr, OnnxGraphBuilder } from '../build/graph-builder';
import { appendNetwork } from '../train/export-onnx';
import { predict } from '../train/dense-network';
import { fitMlpRegressor } from '../train/fit';
import { matrix } from '../train/matrix';
import type { TrainedCityModel } from './city-model';
import { meanAbsoluteError, rootMeanSquaredError } from './evaluation';
import {
  buildRows,
  floatFeed,
  resourcesOf,
  sliceRows,
  splitAt,
  TIME_FEATURE_NAMES,
  timeFeatures,
} from './features';
import { ENERGY_INTERVAL_S, type EnergySample } from './synthetic-city';

export const LOAD_WINDOW = 4;
const TEST_FRACTION = 0.25;
const CHECK_ROWS = 64;

const COLUMNS = [
  ...Array.from({ length: LOAD_WINDOW }, (_, i) => `activePowerKw[t-${LOAD_WINDOW - i}]`),
  'temperatureC[t-1]',
  ...TIME_FEATURE_NAMES.map((n) => `${n}[t]`),
];

const LAST_LOAD_COLUMN = LOAD_WINDOW - 1;

/**
 * Next 15-minute feeder load from the last hour of load, the latest temperature and the time of day. The MLP
 * learns the change from the last reading (persistence plus a correction), which keeps it anchored to the
 * current level even when the day's load is unlike any in the training weeks.
 */
export function trainSubstationLoadForecaster(
  history: readonly EnergySample[],
  seed: number,
): TrainedCityModel {
  const load = history.map((s) => s.values.activePowerKw);
  const rows = buildRows(history.length, (t) =>
    t < LOAD_WINDOW
      ? undefined
      : {
          x: [...load.slice(t - LOAD_WINDOW, t), history[t - 1].temperatureC, ...timeFeatures(history[t].ts)],
          y: load[t] - load[t - 1],
        },
  );
  const split = splitAt(rows.x.rows, TEST_FRACTION);
  const trainX = sliceRows(rows.x, 0, split);
  const testX = sliceRows(rows.x, split, rows.x.rows);
  const persistence = testX.values.filter((_, i) => i % testX.cols === LAST_LOAD_COLUMN);
  const actual = rows.y.subarray(split).map((delta, i) => delta + persistence[i]);

  const { network } = fitMlpRegressor(trainX, matrix(split, 1, rows.y.subarray(0, split)), {
    hidden: 12,
    activation: 'tanh',
    epochs: 80,
    learningRate: 0.005,
    batchSize: 32,
    initSeed: seed,
  });
  const predicted = predict(network, testX).values.map((delta, i) => delta + persistence[i]);

  const builder = new OnnxGraphBuilder('substation_load_forecaster');
  const input = builder.input('features', 'float32', ['batch', COLUMNS.length]);
  const change = appendNetwork(builder, network, input);
  const column = builder.initializer('last_load_column', BigInt64Array.of(BigInt(LAST_LOAD_COLUMN)), [1]);
  const lastLoad = builder.op('Gather', [input, column], { axis: attr.int(1) });
  builder.op('Add', [lastLoad, change], undefined, 'activePowerKw');
  builder.output('activePowerKw', 'float32', ['batch', 1]);
  const bytes = builder.build({ docString: 'Next-interval feeder load: last load plus an MLP correction.' });
  const check = floatFeed(testX, CHECK_ROWS);
  return {
    name: 'substation-load-forecaster',
    version: '1.0.0',
    bytes,
    metadata: {
      task: 'forecast',
      description: 'Forecasts the next 15-minute active power of a substation feeder.',
      siteKinds: ['energy', 'central'],
      telemetry: [
        {
          sensorKind: 'energy-meter',
          fields: ['activePowerKw'],
          windowLength: LOAD_WINDOW,
          intervalSeconds: ENERGY_INTERVAL_S,
        },
      ],
      context: ['clock', 'weather.temperatureC'],
      inputs: [
        {
          name: 'features',
          elementType: 'float32',
          shape: ['batch', COLUMNS.length],
          description:
            'Last four loads (oldest first), latest air temperature, time of the forecast interval',
          columns: COLUMNS,
        },
      ],
      outputs: [
        {
          name: 'activePowerKw',
          elementType: 'float32',
          shape: ['batch', 1],
          description: 'Forecast active power for the next interval',
          unit: 'kW',
        },
      ],
      resources: resourcesOf(bytes),
      latencySloMs: 100,
    },
    metrics: {
      trainSamples: split,
      heldOutSamples: actual.length,
      headline: {
        metric: 'MAE (kW)',
        model: meanAbsoluteError(actual, predicted),
        baseline: meanAbsoluteError(actual, persistence),
        baselineName: 'persistence (last load)',
        lowerIsBetter: true,
      },
      details: {
        rmse: rootMeanSquaredError(actual, predicted),
        baselineRmse: rootMeanSquaredError(actual, persistence),
      },
    },
    check: {
      feeds: { features: check },
      expected: {
        activePowerKw: {
          type: 'float32',
          dims: [check.dims[0], 1],
          data: Float32Array.from(predicted.subarray(0, check.dims[0])),
        },
      },
    },
  };
}
