import { exportNetwork } from '../train/export-onnx';
import { predict } from '../train/dense-network';
import { fitRidgeRegression } from '../train/fit';
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
import { TRAFFIC_INTERVAL_S, type TrafficSample } from './synthetic-city';

export const TRAFFIC_FLOW_WINDOW = 12;
const TEST_FRACTION = 0.25;
const CHECK_ROWS = 64;

const COLUMNS = [
  ...Array.from({ length: TRAFFIC_FLOW_WINDOW }, (_, i) => `vehicleCount[t-${TRAFFIC_FLOW_WINDOW - i}]`),
  ...TIME_FEATURE_NAMES.map((n) => `${n}[t]`),
];

/** Next 5-minute vehicle count from the last hour of counts and the time of the interval being forecast. */
export function trainTrafficFlowForecaster(history: readonly TrafficSample[]): TrainedCityModel {
  const counts = history.map((s) => s.values.vehicleCount);
  const rows = buildRows(history.length, (t) =>
    t < TRAFFIC_FLOW_WINDOW
      ? undefined
      : { x: [...counts.slice(t - TRAFFIC_FLOW_WINDOW, t), ...timeFeatures(history[t].ts)], y: counts[t] },
  );
  const split = splitAt(rows.x.rows, TEST_FRACTION);
  const trainX = sliceRows(rows.x, 0, split);
  const testX = sliceRows(rows.x, split, rows.x.rows);
  const trainY = matrix(split, 1, rows.y.subarray(0, split));
  const actual = rows.y.subarray(split);

  const { network } = fitRidgeRegression(trainX, trainY, { lambda: 1e-2 });
  const predicted = predict(network, testX).values;
  const persistence = testX.values.filter((_, i) => i % testX.cols === TRAFFIC_FLOW_WINDOW - 1);
  const mae = meanAbsoluteError(actual, predicted);
  const baselineMae = meanAbsoluteError(actual, persistence);

  const bytes = exportNetwork(network, {
    graphName: 'traffic_flow_forecaster',
    inputName: 'features',
    outputName: 'vehicleCount',
    docString: 'Next-interval vehicle count at a traffic-loop approach (ridge regression).',
  });
  const check = floatFeed(testX, CHECK_ROWS);
  return {
    name: 'traffic-flow-forecaster',
    version: '1.0.0',
    bytes,
    metadata: {
      task: 'forecast',
      description: 'Forecasts the next 5-minute vehicle count of one loop from its last hour of counts.',
      siteKinds: ['traffic', 'central'],
      telemetry: [
        {
          sensorKind: 'traffic-loop',
          fields: ['vehicleCount'],
          windowLength: TRAFFIC_FLOW_WINDOW,
          intervalSeconds: TRAFFIC_INTERVAL_S,
        },
      ],
      context: ['clock'],
      inputs: [
        {
          name: 'features',
          elementType: 'float32',
          shape: ['batch', COLUMNS.length],
          description: 'Last 12 counts (oldest first) and time of the forecast interval',
          columns: COLUMNS,
        },
      ],
      outputs: [
        {
          name: 'vehicleCount',
          elementType: 'float32',
          shape: ['batch', 1],
          description: 'Forecast vehicle count for the next interval',
          unit: 'vehicles/interval',
        },
      ],
      resources: resourcesOf(bytes),
      latencySloMs: 50,
    },
    metrics: {
      trainSamples: split,
      heldOutSamples: actual.length,
      headline: {
        metric: 'MAE (vehicles / 5 min)',
        model: mae,
        baseline: baselineMae,
        baselineName: 'persistence (last count)',
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
        vehicleCount: {
          type: 'float32',
          dims: [check.dims[0], 1],
          data: Float32Array.from(predicted.subarray(0, check.dims[0])),
        },
      },
    },
  };
}
