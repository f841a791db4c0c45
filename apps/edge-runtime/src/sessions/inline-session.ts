import { performance } from 'node:perf_hooks';
import type { TensorData } from '@polis/inference';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { BatchOutput } from './session-worker';

/**
 * An InferenceSession on the main thread, for models whose batches cost the event loop less than the
 * worker-thread hop would (see `inlineRowLimit`). `session.run` blocks the thread for the inference itself;
 * onnxruntime-node starts it from setImmediate, so I/O already read in this loop turn is handled first.
 * Runs one batch at a time, like a SessionWorker, and returns outputs in the same shape.
 */
export class InlineSession {
  private released = false;

  private constructor(private readonly session: InferenceSession) {}

  static async create(model: Uint8Array, intraOpThreads: number): Promise<InlineSession> {
    const session = await InferenceSession.create(model, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new InlineSession(session);
  }

  get alive(): boolean {
    return !this.released;
  }

  async run(feeds: Record<string, TensorData>): Promise<BatchOutput> {
    const tensors: Record<string, Tensor> = {};
    for (const name of Object.keys(feeds)) {
      const f = feeds[name];
      tensors[name] = new Tensor(f.type, f.data, f.dims);
    }
    const started = performance.now();
    const results = await this.session.run(tensors);
    const runMs = performance.now() - started;
    const outputs: Record<string, TensorData> = {};
    for (const name of Object.keys(results)) {
      const t = results[name];
      outputs[name] = {
        type: t.type as TensorData['type'],
        dims: Array.from(t.dims),
        data: t.data as TensorData['data'],
      };
    }
    return { outputs, runMs };
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}
