import { BUILTIN_SENSOR_KINDS, type ModelVersionRecord } from '@polis/contracts';
import {
  inlineRowLimit,
  planDecisions,
  planFeatures,
  validateBatchPolicy,
  type Aggregation,
  type BatchPolicy,
  type DecisionPolicy,
} from '@polis/inference';
import { InlineSession } from '../sessions/inline-session';
import { SessionWorker } from '../sessions/session-worker';
import { measureCost, type CostProbe } from './measure-cost';
import { ModelGeneration, type Execution, type GenerationHooks } from './model-generation';

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
  /** Batches whose measured cost is within this run on the event loop; 0 = always in worker threads. */
  inlineBudgetMs: number;
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
  const policy = validateBatchPolicy(settings.batching);
  const probe: CostProbe = {
    inputs: plan.inputs.map((i) => ({ name: i.name, width: i.sources.length })),
    fullBatchRows: policy.maxBatchSize,
    budgetMs: settings.inlineBudgetMs,
  };
  let execution: Execution;
  try {
    execution = await chooseExecution(bytes, workers[0], probe, settings.intraOpThreads);
  } catch (error) {
    await Promise.all(workers.map((w) => w.close()));
    throw new ModelLoadError(`${record.name}@${record.version}: ${(error as Error).message}`);
  }
  return new ModelGeneration(record, plan, rules, workers, {
    policy,
    execution,
    hooks: { ...hooks, replaceWorker: () => SessionWorker.start(bytes, settings.intraOpThreads) },
  });
}

/**
 * Measures the model on a worker first, so a slow model is never even loaded on the main thread; a model
 * whose one-row batch fits the budget there gets a main-thread session, measured again where it will run.
 */
async function chooseExecution(
  bytes: Uint8Array,
  worker: SessionWorker,
  probe: CostProbe,
  intraOpThreads: number,
): Promise<Execution> {
  const workerCost = await measureCost(worker, probe);
  if (inlineRowLimit(workerCost, probe.budgetMs) === 0) return { workerCost };
  // The inline session only saves time: if it cannot be created or run, the workers serve everything.
  let session: InlineSession | undefined;
  try {
    session = await InlineSession.create(bytes, intraOpThreads);
    const cost = await measureCost(session, probe);
    const rows = inlineRowLimit(cost, probe.budgetMs);
    if (rows > 0) return { workerCost, inline: { session, rows, cost } };
    await session.close();
    return { workerCost };
  } catch (error) {
    await session?.close().catch(() => undefined);
    return { workerCost, inlineError: (error as Error).message };
  }
}
