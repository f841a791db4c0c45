import { performance } from 'node:perf_hooks';
import type { ModelVersionRecord } from '@polis/contracts';
import {
  nextPlacement,
  splitRows,
  stackRows,
  type BatchPolicy,
  type DecisionRule,
  type FeaturePlan,
  type InferenceCost,
} from '@polis/inference';
import type { InlineSession } from '../sessions/inline-session';
import type { BatchOutput, SessionWorker } from '../sessions/session-worker';

/** One window waiting for, or in, an inference. */
export interface WindowJob {
  sensorId: string;
  /** Start of interval t (epoch ms). */
  ts: number;
  rows: Record<string, Float32Array>;
  /** performance.now() when the reading that completed the window arrived. */
  receivedAt: number;
}

export interface CompletedJob {
  job: WindowJob;
  outputs: Record<string, number[]>;
}

export interface BatchReport {
  generation: ModelGeneration;
  completed: CompletedJob[];
  runMs: number;
}

export interface GenerationHooks {
  onBatch: (report: BatchReport) => void;
  onBatchError: (generation: ModelGeneration, jobs: readonly WindowJob[], error: Error) => void;
  onWorkerLost: (error: Error | undefined) => void;
}

/** How this generation runs its batches, decided from costs measured at load (`startGeneration`). */
export interface Execution {
  /** Measured on a worker thread. */
  workerCost: InferenceCost;
  /** Set when the model is cheap enough to run on the event loop: batches up to `rows` rows run there. */
  inline?: { session: InlineSession; rows: number; cost: InferenceCost };
  /** Why a model cheap enough for inline execution still runs in workers only. */
  inlineError?: string;
}

interface Queued {
  job: WindowJob;
  enqueuedAt: number;
}

/**
 * One loaded model version: its feature plan, decision rules, session workers and micro-batching queue.
 * A generation being retired stops taking windows, sends what it has queued at once, waits for its
 * in-flight batches, then closes its workers.
 */
export class ModelGeneration {
  private readonly queue: Queued[] = [];
  private readonly idle: SessionWorker[];
  private readonly workers: SessionWorker[];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private retiring = false;
  private onIdle: (() => void) | undefined;
  private inlineBusy = false;

  constructor(
    readonly record: ModelVersionRecord,
    readonly plan: FeaturePlan,
    readonly rules: readonly DecisionRule[],
    workers: readonly SessionWorker[],
    private readonly setup: {
      policy: BatchPolicy;
      execution: Execution;
      /** replaceWorker starts a replacement for a worker thread that died (its batch was reported as an error). */
      hooks: GenerationHooks & { replaceWorker: () => Promise<SessionWorker> };
    },
  ) {
    if (workers.length === 0) throw new RangeError('a generation needs at least one session worker');
    this.workers = [...workers];
    this.idle = [...workers];
  }

  get version(): string {
    return this.record.version;
  }

  get queued(): number {
    return this.queue.length;
  }

  enqueue(job: WindowJob): void {
    if (this.retiring) throw new Error(`generation ${this.version} is retiring and takes no windows`);
    this.queue.push({ job, enqueuedAt: performance.now() });
    this.pump();
  }

  /** Finishes everything queued and in flight, then closes the workers. */
  async retire(): Promise<void> {
    this.retiring = true;
    this.pump();
    if (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise<void>((resolve) => (this.onIdle = resolve));
    }
    await Promise.all([...this.workers.map((w) => w.close()), this.setup.execution.inline?.session.close()]);
  }

  get execution(): Execution {
    return this.setup.execution;
  }

  private pump(): void {
    for (;;) {
      const inline = this.setup.execution.inline;
      const decision = nextPlacement(
        {
          queued: this.queue.length,
          oldestAgeMs: this.queue.length > 0 ? performance.now() - this.queue[0].enqueuedAt : 0,
          idleWorkers: this.idle.length,
          inlineIdle: inline !== undefined && !this.inlineBusy,
          inlineRows: inline?.rows ?? 0,
        },
        this.setup.policy,
        this.retiring,
      );
      switch (decision.kind) {
        case 'inline':
        case 'worker':
          this.clearTimer();
          this.dispatch(
            this.queue.splice(0, decision.size).map((q) => q.job),
            decision.kind,
          );
          continue;
        case 'wait':
          if (!this.timer) {
            this.timer = setTimeout(() => {
              this.timer = undefined;
              this.pump();
            }, Math.ceil(decision.ms));
          }
          return;
        case 'idle':
          if (this.queue.length === 0 && this.inFlight === 0) this.onIdle?.();
          return;
      }
    }
  }

  private dispatch(jobs: WindowJob[], where: 'inline' | 'worker'): void {
    const inline = this.setup.execution.inline;
    let run: (feeds: ReturnType<typeof stackRows>) => Promise<BatchOutput>;
    let release: () => void;
    if (where === 'inline' && inline) {
      this.inlineBusy = true;
      run = (feeds) => inline.session.run(feeds);
      release = () => this.finishInline();
    } else {
      const worker = this.idle.pop();
      if (!worker) throw new Error('dispatch without an idle worker');
      run = (feeds) => worker.run(feeds);
      release = () => this.finish(worker);
    }
    this.inFlight++;
    const inputNames = this.plan.inputs.map((i) => i.name);
    let feeds;
    try {
      feeds = stackRows(
        jobs.map((j) => j.rows),
        inputNames,
      );
    } catch (error) {
      release();
      this.setup.hooks.onBatchError(this, jobs, error as Error);
      return;
    }
    run(feeds).then(
      ({ outputs, runMs }) => {
        let completed: CompletedJob[];
        try {
          completed = splitRows(outputs, jobs.length).map((o, i) => ({ job: jobs[i], outputs: o }));
        } catch (error) {
          this.setup.hooks.onBatchError(this, jobs, error as Error);
          return;
        } finally {
          release();
        }
        this.setup.hooks.onBatch({ generation: this, completed, runMs });
      },
      (error: Error) => {
        release();
        this.setup.hooks.onBatchError(this, jobs, error);
      },
    );
  }

  private finish(worker: SessionWorker): void {
    this.inFlight--;
    if (worker.alive) this.idle.push(worker);
    else this.replace(worker);
    // Let the report go out first (callers run after this microtask), then look for more work.
    queueMicrotask(() => this.pump());
  }

  private finishInline(): void {
    this.inFlight--;
    this.inlineBusy = false;
    queueMicrotask(() => this.pump());
  }

  /** A dead worker is replaced so the generation keeps its capacity (and a queue never waits forever). */
  private replace(dead: SessionWorker): void {
    this.workers.splice(this.workers.indexOf(dead), 1);
    this.setup.hooks.onWorkerLost(undefined);
    this.inFlight++;
    this.setup.hooks.replaceWorker().then(
      (worker) => {
        this.inFlight--;
        this.workers.push(worker);
        this.idle.push(worker);
        this.pump();
      },
      (error: Error) => {
        this.inFlight--;
        this.setup.hooks.onWorkerLost(error);
        this.pump();
      },
    );
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The execution choice and the costs behind it, for logs: µs, rounded. */
export function describeExecution(generation: ModelGeneration): Record<string, unknown> {
  const { workerCost, inline, inlineError } = generation.execution;
  const us = (ms: number): number | null => (Number.isFinite(ms) ? Math.round(ms * 1000) : null);
  return {
    execution: inline ? 'inline' : 'worker',
    inlineRows: inline?.rows ?? 0,
    workerBatch1Us: us(workerCost.batch1Ms),
    workerFullBatchUs: us(workerCost.fullBatchMs),
    ...(inline
      ? { inlineBatch1Us: us(inline.cost.batch1Ms), inlineFullBatchUs: us(inline.cost.fullBatchMs) }
      : {}),
    fullBatchRows: workerCost.fullBatchRows,
    ...(inlineError ? { inlineError } : {}),
  };
}
