import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TensorData } from '@polis/inference';
import { InferenceSession } from 'onnxruntime-node';
import { SESSION_WORKER_SOURCE } from './worker-source';

export interface BatchOutput {
  outputs: Record<string, TensorData>;
  /** Time inside session.run, as the worker measured it. */
  runMs: number;
}

type WorkerReply =
  | { type: 'ready'; inputNames: string[]; outputNames: string[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, TensorData>; runMs: number }
  | { type: 'error'; id: number; message: string };

export class SessionWorkerError extends Error {
  override readonly name = 'SessionWorkerError';
}

/** Where the worker looks for onnxruntime-node: beside the entry script first, then the working directory. */
function resolveFrom(): string[] {
  const entry = process.argv[1];
  return [...(entry ? [join(dirname(entry), 'noop.js')] : []), join(process.cwd(), 'noop.js')];
}

/**
 * Loads the native binding in the main thread and keeps it loaded. Node reuses an addon a thread already has
 * open for the next thread that loads it; once the last thread that had it exits, the library stays mapped
 * but its registration is gone, and the next worker fails with "Module did not self-register".
 */
function pinNativeBinding(): void {
  if (typeof InferenceSession.create !== 'function')
    throw new SessionWorkerError('onnxruntime-node did not load');
}

/** One worker thread holding one InferenceSession; runs one batch at a time. */
export class SessionWorker {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (o: BatchOutput) => void; reject: (e: Error) => void }
  >();
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    names: { inputNames: string[]; outputNames: string[] },
  ) {
    this.inputNames = names.inputNames;
    this.outputNames = names.outputNames;
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new SessionWorkerError(`session worker exited with code ${code}`));
    });
  }

  /** Starts a thread and resolves once its session is created (or rejects with onnxruntime's reason). */
  static async start(model: Uint8Array, intraOpThreads: number): Promise<SessionWorker> {
    pinNativeBinding();
    // Each worker gets its own copy of exactly the model bytes (a Buffer may be a view into a shared pool).
    const copy = new Uint8Array(model).buffer;
    const worker = new Worker(SESSION_WORKER_SOURCE, {
      eval: true,
      workerData: { model: copy, intraOpThreads, resolveFrom: resolveFrom() },
      transferList: [copy],
    });
    const names = await new Promise<{ inputNames: string[]; outputNames: string[] }>((resolve, reject) => {
      const onMessage = (reply: WorkerReply): void => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (reply.type === 'ready') resolve(reply);
        else
          reject(
            new SessionWorkerError(reply.type === 'failed' ? reply.message : `unexpected ${reply.type}`),
          );
      };
      const onError = (error: Error): void => {
        worker.off('message', onMessage);
        reject(error);
      };
      const onExit = (code: number): void => {
        worker.off('message', onMessage);
        reject(new SessionWorkerError(`session worker exited with code ${code} before it was ready`));
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new SessionWorker(worker, names);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Input buffers are transferred to the worker: the caller must not reuse them. */
  run(feeds: Record<string, TensorData>): Promise<BatchOutput> {
    if (this.exited) return Promise.reject(new SessionWorkerError('session worker has exited'));
    const id = this.nextId++;
    const transfer = Object.values(feeds).map((f) => f.data.buffer as ArrayBuffer);
    return new Promise<BatchOutput>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'run', id, feeds }, transfer);
    });
  }

  /** Asks the worker to release its session and exit; terminates it if it has not after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.type === 'result') waiter.resolve({ outputs: reply.outputs, runMs: reply.runMs });
    else waiter.reject(new SessionWorkerError(reply.message));
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
