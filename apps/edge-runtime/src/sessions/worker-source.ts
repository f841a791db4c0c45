/**
 * Source of a session worker thread, run with `new Worker(source, { eval: true })`. Kept as plain JavaScript
 * in a string so the same code runs under Node, ts-node, Jest and the webpack bundle (which emits only one
 * file per app): a worker given a .ts or bundled path would work in some of those and not the others.
 *
 * One InferenceSession per thread; `session.run` blocks the thread it is called on, so the main thread
 * (NATS, HTTP, heartbeats) never waits for an inference. A worker runs one batch at a time.
 *
 * Protocol (main -> worker): {type:'run', id, feeds:{name:{type,dims,data}}} | {type:'close'}
 * (worker -> main): {type:'ready', inputNames, outputNames} | {type:'failed', message}
 *                   | {type:'result', id, outputs, runMs} | {type:'error', id, message}
 */
export const SESSION_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { performance } = require('node:perf_hooks');

function loadRuntime() {
  let lastError;
  for (const base of workerData.resolveFrom) {
    try {
      return createRequire(base)('onnxruntime-node');
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function message(error) {
  return error && error.message ? String(error.message) : String(error);
}

async function main() {
  const ort = loadRuntime();
  const session = await ort.InferenceSession.create(new Uint8Array(workerData.model), {
    intraOpNumThreads: workerData.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  parentPort.on('message', async (msg) => {
    if (msg.type === 'close') {
      await session.release().catch(() => undefined);
      parentPort.close();
      return;
    }
    if (msg.type !== 'run') return;
    try {
      const feeds = {};
      for (const name of Object.keys(msg.feeds)) {
        const f = msg.feeds[name];
        feeds[name] = new ort.Tensor(f.type, f.data, f.dims);
      }
      const started = performance.now();
      const results = await session.run(feeds);
      const runMs = performance.now() - started;
      const outputs = {};
      for (const name of Object.keys(results)) {
        const t = results[name];
        outputs[name] = { type: t.type, dims: Array.from(t.dims), data: t.data };
      }
      parentPort.postMessage({ type: 'result', id: msg.id, outputs, runMs });
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: msg.id, message: message(error) });
    }
  });
  parentPort.postMessage({
    type: 'ready',
    inputNames: Array.from(session.inputNames),
    outputNames: Array.from(session.outputNames),
  });
}

main().catch((error) => parentPort.postMessage({ type: 'failed', message: message(error) }));
`;
