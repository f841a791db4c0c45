import type { ModelMetadata } from '@polis/contracts';
import { parseColumn } from './columns';
import { isTimeFeature, type TimeFeature } from './time-features';

export const AGGREGATIONS = ['sum', 'mean', 'last'] as const;
/** How the readings that fall into one interval become that interval's value. */
export type Aggregation = (typeof AGGREGATIONS)[number];

export type ColumnSource =
  /** A field of the sensor's own reading, `position` intervals into the window (0 = oldest). */
  | { kind: 'telemetry'; field: string; position: number }
  /** A clock feature of the instant `offset` intervals from t. */
  | { kind: 'time'; feature: TimeFeature; offset: number }
  /** A site-wide value (air temperature): the latest known, whatever the column's offset. */
  | { kind: 'context'; name: string };

export interface InputPlan {
  name: string;
  sources: ColumnSource[];
}

/** How one sensor's interval series becomes the feeds of one inference. */
export interface FeaturePlan {
  sensorKind: string;
  fields: string[];
  windowLength: number;
  intervalMs: number;
  /**
   * Intervals from the newest interval of the window to t, the interval the inference is about:
   * 1 for a forecaster that reads t-12..t-1, 0 for a classifier that reads t-2..t.
   */
  referenceLead: number;
  aggregation: Record<string, Aggregation>;
  inputs: InputPlan[];
}

export class FeaturePlanError extends Error {
  override readonly name = 'FeaturePlanError';
}

export interface FeaturePlanOptions {
  /** Aggregation of a field when several readings fall into one interval. */
  aggregationOf: (field: string) => Aggregation;
  /** Context names the site can supply besides those the metadata declares (e.g. configured defaults). */
  extraContext?: readonly string[];
}

/** `weather.temperatureC` is supplied as `temperatureC`: columns name the value, not its source. */
function contextNames(metadata: ModelMetadata, extra: readonly string[]): Set<string> {
  const names = metadata.context.map((c) => c.slice(c.lastIndexOf('.') + 1));
  return new Set([...names, ...extra].filter((n) => n !== 'clock'));
}

interface ParsedInput {
  name: string;
  columns: { name: string; offset: number }[];
}

function parseInputs(metadata: ModelMetadata): ParsedInput[] {
  if (metadata.inputs.length === 0) throw new FeaturePlanError('the model declares no inputs');
  return metadata.inputs.map((input) => {
    if (input.elementType !== 'float32') {
      throw new FeaturePlanError(
        `input "${input.name}" is ${input.elementType}; only float32 inputs are fed`,
      );
    }
    if (!input.columns || input.columns.length === 0) {
      throw new FeaturePlanError(`input "${input.name}" declares no columns, so its features are unknown`);
    }
    const width = input.shape[1];
    if (input.shape.length !== 2 || (typeof width === 'number' && width !== input.columns.length)) {
      throw new FeaturePlanError(
        `input "${input.name}" must have shape [batch, ${input.columns.length}], got [${input.shape.join(', ')}]`,
      );
    }
    return { name: input.name, columns: input.columns.map(parseColumn) };
  });
}

/** Derives, from the metadata alone, where every column of every input comes from. */
export function planFeatures(metadata: ModelMetadata, options: FeaturePlanOptions): FeaturePlan {
  if (metadata.telemetry.length !== 1) {
    throw new FeaturePlanError(
      `the runtime feeds models that read one sensor kind; this one reads ${metadata.telemetry.length}`,
    );
  }
  const [window] = metadata.telemetry;
  const fields = new Set(window.fields);
  const context = contextNames(metadata, options.extraContext ?? []);
  const inputs = parseInputs(metadata);

  const telemetryOffsets = inputs.flatMap((i) =>
    i.columns.filter((c) => fields.has(c.name)).map((c) => c.offset),
  );
  const newest = telemetryOffsets.length > 0 ? Math.max(...telemetryOffsets) : 0;

  const plans = inputs.map(({ name, columns }): InputPlan => {
    const sources = columns.map((column): ColumnSource => {
      if (isTimeFeature(column.name)) return { kind: 'time', feature: column.name, offset: column.offset };
      if (fields.has(column.name)) {
        const position = window.windowLength - 1 + column.offset - newest;
        if (position < 0) {
          throw new FeaturePlanError(
            `column ${column.name}[t${column.offset}] of input "${name}" lies outside the ${window.windowLength}-interval window`,
          );
        }
        return { kind: 'telemetry', field: column.name, position };
      }
      if (context.has(column.name)) return { kind: 'context', name: column.name };
      throw new FeaturePlanError(
        `column "${column.name}" of input "${name}" is neither a clock feature, a field of ${window.sensorKind}, nor declared context`,
      );
    });
    return { name, sources };
  });

  return {
    sensorKind: window.sensorKind,
    fields: [...window.fields],
    windowLength: window.windowLength,
    intervalMs: window.intervalSeconds * 1000,
    referenceLead: 0 - newest,
    aggregation: Object.fromEntries(window.fields.map((f) => [f, options.aggregationOf(f)])),
    inputs: plans,
  };
}
