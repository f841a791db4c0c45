/**
 * Runs in a child Node process: @kubernetes/client-node 1.x is ESM-only, which Jest's CommonJS
 * runtime cannot load, while plain Node 20 can require() it. The test drives this process with
 * JSON lines on stdin and reads one JSON line per request on stdout.
 */
import * as k8s from '@kubernetes/client-node';
import { createInterface } from 'node:readline';

type Request =
  | { id: number; op: 'call'; api: ApiName; method: string; params: unknown; contentType?: string }
  | { id: number; op: 'watch-start'; watchId: string; path: string; query: Record<string, string> }
  | { id: number; op: 'watch-events'; watchId: string }
  | { id: number; op: 'watch-stop'; watchId: string };

type ApiName = 'CoreV1Api' | 'AppsV1Api' | 'VersionApi';

interface WatchState {
  events: { type: string; object: unknown }[];
  done?: string;
  controller?: AbortController;
}

const kubeconfig = new k8s.KubeConfig();
kubeconfig.loadFromFile(process.argv[2] ?? '');
const apis: Record<ApiName, object> = {
  CoreV1Api: kubeconfig.makeApiClient(k8s.CoreV1Api),
  AppsV1Api: kubeconfig.makeApiClient(k8s.AppsV1Api),
  VersionApi: kubeconfig.makeApiClient(k8s.VersionApi),
};
const watches = new Map<string, WatchState>();

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function describeError(error: unknown): object {
  if (error instanceof k8s.ApiException) {
    let body: unknown = error.body;
    try {
      body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    } catch {
      // keep the raw body
    }
    return { code: error.code, body, headers: error.headers };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'call': {
      const client = apis[request.api] as Record<
        string,
        (params: unknown, options?: unknown) => Promise<unknown>
      >;
      const method = client[request.method];
      if (typeof method !== 'function') throw new Error(`no method ${request.api}.${request.method}`);
      const options = request.contentType
        ? k8s.setHeaderOptions('Content-Type', request.contentType)
        : undefined;
      return method.call(client, request.params, options);
    }
    case 'watch-start': {
      const state: WatchState = { events: [] };
      watches.set(request.watchId, state);
      state.controller = await new k8s.Watch(kubeconfig).watch(
        request.path,
        request.query,
        (type, object) => state.events.push({ type, object }),
        (error: unknown) => {
          state.done = error ? (error instanceof Error ? error.message : JSON.stringify(error)) : 'closed';
        },
      );
      return { started: true };
    }
    case 'watch-events': {
      const state = watches.get(request.watchId);
      if (!state) throw new Error(`no watch ${request.watchId}`);
      return { events: state.events, done: state.done ?? null };
    }
    case 'watch-stop': {
      watches.get(request.watchId)?.controller?.abort();
      watches.delete(request.watchId);
      return { stopped: true };
    }
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as Request;
  handle(request).then(
    (result) => reply({ id: request.id, ok: true, result: result ?? null }),
    (error: unknown) => reply({ id: request.id, ok: false, error: describeError(error) }),
  );
});
reply({ ready: true });
