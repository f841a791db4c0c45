import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { servingStream } from '@polis/contracts';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { loadConfig } from '../../../apps/edge-runtime/src/config/config';
import { EdgeRuntime } from '../../../apps/edge-runtime/src/runtime';
import { ensureServingStream } from '../../../apps/control-plane/src/deployments/serving-stream';

/** What the control plane does at start: the stream through which results reach the public subjects. */
export async function prepareServing(nc: NatsConnection, prefix: string): Promise<void> {
  await ensureServingStream(await nc.jetstreamManager(), prefix);
}

export async function removeServing(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(servingStream(prefix).name).catch(() => false);
}

export async function tempCacheDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'polis-edge-cache-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a runtime in this process from environment variables, as main.ts would; port 0 for HTTP. */
export async function startRuntime(env: Record<string, string>): Promise<EdgeRuntime> {
  const config = loadConfig({ POLIS_HTTP_PORT: '0', POLIS_HEARTBEAT_INTERVAL_MS: '500', ...env });
  return EdgeRuntime.start(config, pino({ level: process.env.EDGE_LOG_LEVEL ?? 'silent' }));
}

/** Collects the JSON messages of a subject. */
export class Collector<T> {
  readonly messages: T[] = [];
  private readonly sub: Subscription;

  constructor(nc: NatsConnection, subject: string) {
    this.sub = nc.subscribe(subject, {
      callback: (_e, msg) => this.messages.push(JSON.parse(new TextDecoder().decode(msg.data)) as T),
    });
  }

  async waitFor(count: number, timeoutMs = 30_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out with ${this.messages.length} of ${count} messages on ${this.sub.getSubject()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.messages;
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

export async function connectTo(url: string): Promise<NatsConnection> {
  return connect({ servers: url, name: 'polis-edge-test', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
}

export async function httpStatus(port: number, path: string): Promise<number> {
  return fetch(`http://127.0.0.1:${port}${path}`).then(
    (r) => r.status,
    () => 0,
  );
}
