export * from './city-model';
export * from './evaluation';
export * from './synthetic-city';
export { buildCityModels, trainCityModels, HISTORY_DAYS } from './build-city-models';
