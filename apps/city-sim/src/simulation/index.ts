/** The pure city generator: no I/O, no clock. Time is always an argument. */
export {
  APPROACHES,
  FEEDER_PROFILES,
  InvalidCityOptionsError,
  cityOptionsSchema,
  createCity,
  sensorKey,
  type AirQualitySensor,
  type Approach,
  type City,
  type CityOptions,
  type EnergyMeterSensor,
  type FeederProfile,
  type Intersection,
  type SimSensor,
  type SimSensorKind,
  type Substation,
  type TrafficLoopSensor,
} from './city';
export { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar';
export { isOffline, outageInWindowOf, type DropoutModel, type Outage } from './dropout';
export { TEMPERATE_CLIMATE, outdoorTemperatureC, type Climate } from './weather';
export {
  approachState,
  demandShape,
  readTrafficLoop,
  type ApproachState,
  type TrafficLoopValues,
} from './traffic';
export { feederLoadKw, gridFrequencyHz, readEnergyMeter, type EnergyMeterValues } from './energy';
export { intersectionFlowVph, readAirQuality, type AirQualityValues } from './air-quality';
export {
  encodeTelemetryPayload,
  isSensorOffline,
  readSensor,
  sampleCity,
  type CitySample,
  type SimReading,
} from './readings';
export {
  MAX_HISTORY_STEPS,
  iterateReadings,
  simulateHistory,
  type CityHistory,
  type HistoryOptions,
  type SubstationLoadSeries,
  type TrafficLoopSeries,
} from './history';
