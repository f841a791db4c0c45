export {
  TelemetryStore,
  InfluxUnavailableError,
  type TelemetryStoreOptions,
  type SeriesRow,
} from './telemetry-store';
export { readingToLine } from './points';
export {
  buildSeriesQuery,
  seriesQuerySchema,
  AGGREGATIONS,
  MAX_RAW_POINTS,
  type SeriesQuery,
  type RetentionLayout,
} from './series-query';
