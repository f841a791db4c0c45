import type { CityModelMetrics } from './evaluation';

export type SiteKind = 'traffic' | 'energy' | 'safety' | 'central';
export type ModelTask = 'forecast' | 'classification' | 'anomaly-detection';

export interface TelemetryWindow {
  sensorKind: 'traffic-loop' | 'energy-meter';
  fields: string[];
  /** Readings per inference, most recent last. */
  windowLength: number;
  intervalSeconds: number;
}

export interface ModelPort {
  name: string;
  elementType: 'float32' | 'int64' | 'bool';
  shape: (number | string)[];
  description: string;
  /** For inputs: what each column holds, in order. */
  columns?: string[];
  unit?: string;
  /** For class outputs: label of each class index. */
  labels?: string[];
}

/** What Polis stores beside a model so the scheduler can place it and wire its inputs and outputs. */
export interface CityModelMetadata {
  task: ModelTask;
  description: string;
  siteKinds: SiteKind[];
  telemetry: TelemetryWindow[];
  /** Non-telemetry inputs the site supplies (clock, weather feed). */
  context: string[];
  inputs: ModelPort[];
  /** Outputs the site publishes after each inference. */
  outputs: ModelPort[];
  resources: { cpuMillicores: number; memoryMiB: number; estimatedFlops: number };
  latencySloMs: number;
}

export interface CityModelArtifact {
  name: string;
  version: string;
  bytes: Uint8Array;
  metadata: CityModelMetadata;
  metrics: CityModelMetrics;
}

export type FeedTensor =
  | { type: 'float32'; dims: number[]; data: Float32Array }
  | { type: 'int64'; dims: number[]; data: BigInt64Array }
  | { type: 'bool'; dims: number[]; data: Uint8Array };

/** A trained model plus a held-out batch and the TS forward pass on it, to check a runtime agrees with us. */
export interface TrainedCityModel extends CityModelArtifact {
  check: { feeds: Record<string, FeedTensor>; expected: Record<string, FeedTensor> };
}
