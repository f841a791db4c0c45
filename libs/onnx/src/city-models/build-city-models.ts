import type { CityModelArtifact, TrainedCityModel } from './city-model';
import { trainCongestionClassifier } from './congestion';
import { trainEnergyAnomalyDetector } from './energy-anomaly';
import { trainSubstationLoadForecaster } from './substation-load';
import { generateEnergyMeter, generateTrafficLoop } from './synthetic-city';
import { trainTrafficFlowForecaster } from './traffic-flow';

export const HISTORY_DAYS = 28;

/** Every stream gets its own derived seed so adding a stream never changes the others. */
const derive = (seed: number, stream: number): number =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + stream) >>> 0;

/** Trains all city models on simulated history; keeps the held-out check batch for runtime comparisons. */
export function trainCityModels(seed: number): TrainedCityModel[] {
  const traffic = generateTrafficLoop({ seed: derive(seed, 1), days: HISTORY_DAYS });
  const cleanEnergy = generateEnergyMeter({ seed: derive(seed, 2), days: HISTORY_DAYS, anomalyRate: 0 });
  const faultyEnergy = generateEnergyMeter({ seed: derive(seed, 3), days: HISTORY_DAYS, anomalyRate: 0.01 });
  return [
    trainTrafficFlowForecaster(traffic),
    trainCongestionClassifier(traffic, derive(seed, 4)),
    trainSubstationLoadForecaster(cleanEnergy, derive(seed, 5)),
    trainEnergyAnomalyDetector(faultyEnergy, derive(seed, 6)),
  ];
}

/** Deterministic: the same seed gives byte-identical models (and identical metrics). */
export function buildCityModels(seed: number): CityModelArtifact[] {
  return trainCityModels(seed).map(({ name, version, bytes, metadata, metrics }) => ({
    name,
    version,
    bytes,
    metadata,
    metrics,
  }));
}
