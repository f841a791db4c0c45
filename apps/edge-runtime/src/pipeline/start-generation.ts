import { BUILTIN_SENSOR_KINDS, type ModelVersionRecord } from '@polis/contracts';
import {
  planDecisions,
  planFeatures,
  validateBatchPolicy,
  type Aggregation,
  type BatchPolicy,
  type DecisionPolicy,
} from '@polis/inference';
import { SessionWorker } from '../sessions/session-worker';
import { ModelGeneration, type GenerationHooks } from './model-generation';

/**
 * Fields counted per interval (unit ".../interval", e.g. vehicleCount) add up when an interval of the model
 * spans several readings; levels and rates (speed, power, occupancy) average.
 */
export function builtinAggregation(field: string): Aggregation {
  for (const kind of BUILTIN_SENSOR_KINDS) {
    const spec = kind.fields[field];
    if (spec) return spec.unit.endsWith('/interval') ? 'sum' : 'mean';
  }
  return 'mean';
}

export interface GenerationSettings {
  sessionWorkers: number;
  intraOpThreads: number;
  batching: BatchPolicy;
  decisionPolicy: DecisionPolicy;
  aggregationOf: (field: string) => Aggregation;
  contextNames: readonly string[];
}

export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

/** Plans features and decisions from the record, starts the session workers, and checks they agree. */
export async function startGeneration(
  model: { record: ModelVersionRecord; bytes: Uint8Array },
  settings: GenerationSettings,
  hooks: GenerationHooks,
): Promise<ModelGeneration> {
  const { record, bytes } = model;
  const plan = planFeatures(record.metadata, {
    aggregationOf: settings.aggregationOf,
    extraContext: settings.contextNames,
  });
  const rules = planDecisions(record.metadata, settings.decisionPolicy);
  const started = await Promise.allSettled(
    Array.from({ length: settings.sessionWorkers }, () =>
      SessionWorker.start(bytes, settings.intraOpThreads),
    ),
  );
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = started.find((s) => s.status === 'rejected');
  const missing = workers[0]
    ? plan.inputs.map((i) => i.name).filter((n) => !workers[0].inputNames.includes(n))
    : [];
  if (failure || missing.length > 0) {
    await Promise.all(workers.map((w) => w.close()));
    const reason = failure
      ? String((failure.reason as Error).message)
      : `graph lacks inputs ${missing.join(', ')}`;
    throw new ModelLoadError(`${record.name}@${record.version}: ${reason}`);
  }
  return new ModelGeneration(record, plan, rules, workers, {
    policy: validateBatchPolicy(settings.batching),
    hooks: { ...hooks, replaceWorker: () => SessionWorker.start(bytes, settings.intraOpThreads) },
  });
}
