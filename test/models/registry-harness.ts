import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { modelArtifactBucket, modelVersionBucket } from '@polis/contracts';
import { TelemetryStore } from '@polis/telemetry-store';
import { startInProcess } from '../support/control-plane';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState } from '../support/services';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface UploadOptions {
  metadata?: unknown;
  sample?: unknown;
  headers?: Record<string, string>;
}

/** One control plane on a prefix of its own, with its own upload directory, and a NATS connection to inspect it. */
export class RegistryHarness {
  readonly prefix: string;
  readonly uploadDir: string;
  readonly app: INestApplication;
  readonly url: string;
  readonly nc: NatsConnection;

  private constructor(parts: Pick<RegistryHarness, 'prefix' | 'uploadDir' | 'app' | 'url' | 'nc'>) {
    ({ prefix: this.prefix, uploadDir: this.uploadDir, app: this.app, url: this.url, nc: this.nc } = parts);
  }

  static async start(label: string, extra: Record<string, string> = {}): Promise<RegistryHarness> {
    const { prefix, database } = isolation(label);
    const uploadDir = await mkdtemp(join(tmpdir(), 'polis-model-uploads-'));
    const nc = await natsConnection();
    const { app, url } = await startInProcess({
      prefix,
      influxUrl: `${INFLUX_BASE}/${database}`,
      extra: { MODEL_UPLOAD_DIR: uploadDir, ...extra },
    });
    return new RegistryHarness({ prefix, uploadDir, app, url, nc });
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.app
      .get(TelemetryStore)
      .dropDatabase()
      .catch(() => undefined);
    await removeNatsState(this.nc, this.prefix);
    await removeModelState(this.nc, this.prefix);
    await this.nc.close();
    await rm(this.uploadDir, { recursive: true, force: true });
  }

  api(path: string): string {
    return `${this.url}/api/v1/models${path}`;
  }

  async upload(
    name: string,
    version: string,
    bytes: Uint8Array,
    options: UploadOptions = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      ...options.headers,
    };
    if (options.metadata !== undefined) headers['x-polis-model-metadata'] = encode(options.metadata);
    if (options.sample !== undefined) headers['x-polis-sample-input'] = encode(options.sample);
    return call(this.api(`/${name}/versions/${version}`), { method: 'PUT', headers, body: bytes });
  }

  async get(path: string, init?: RequestInit): Promise<Reply> {
    return call(this.api(path), init);
  }

  /** What the registry holds in NATS: version keys, artifact objects, and raw messages of the object store. */
  async stored(): Promise<{ versionKeys: string[]; artifacts: string[]; artifactMessages: number }> {
    const jsm = await this.nc.jetstreamManager();
    const js = this.nc.jetstream();
    const kv = await js.views.kv(modelVersionBucket(this.prefix));
    const versionKeys: string[] = [];
    for await (const key of await kv.keys()) versionKeys.push(key);
    const os = await js.views.os(modelArtifactBucket(this.prefix));
    const artifacts = (await os.list()).filter((o) => !o.deleted).map((o) => o.name);
    const info = await jsm.streams.info(`OBJ_${modelArtifactBucket(this.prefix)}`);
    return {
      versionKeys: versionKeys.sort(),
      artifacts: artifacts.sort(),
      artifactMessages: info.state.messages,
    };
  }

  /** Files left in the upload directory: there must never be any once a request has been answered. */
  async leftoverUploads(): Promise<string[]> {
    return readdir(this.uploadDir);
  }
}

export function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function call(url: string, init?: RequestInit): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return { status: response.status, headers: response.headers, body: json && text ? JSON.parse(text) : text };
}

/**
 * Removes every stream created under a test prefix: the model buckets, and whatever buckets other modules of
 * the control plane open under the same prefix (the prefix is random per test, so nothing else matches).
 */
export async function removeModelState(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const upper = prefix.toUpperCase().replace(/-/g, '_');
  const owned = (name: string) =>
    name.startsWith(`KV_${prefix}_`) || name.startsWith(`OBJ_${prefix}_`) || name.startsWith(`${upper}_`);
  const names: string[] = [];
  for await (const info of jsm.streams.list()) if (owned(info.config.name)) names.push(info.config.name);
  for (const name of names) await jsm.streams.delete(name).catch(() => false);
}

export interface StreamedUploadResult {
  status: number;
  body: any;
  /** Bytes the client had handed to the socket when the answer arrived. */
  sentWhenAnswered: number;
  connectionClosed: boolean;
}

/**
 * PUTs a streamed body (chunked, no Content-Length unless given) with node:http, which reports the answer as
 * soon as it arrives even while the body is still being sent; fetch would hide an early answer.
 */
export async function streamedUpload(
  url: string,
  body: Readable,
  headers: Record<string, string>,
): Promise<StreamedUploadResult> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    body.on('data', (chunk: Buffer) => (sent += chunk.length));
    const req = httpRequest(url, { method: 'PUT', headers }, (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        body.unpipe(req);
        body.destroy();
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(text),
          sentWhenAnswered,
          connectionClosed: res.headers.connection === 'close',
        });
      });
    });
    // The server closes the connection after answering: writes still in flight then fail, which is expected.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered || (error.code !== 'EPIPE' && error.code !== 'ECONNRESET')) reject(error);
    });
    body.pipe(req);
  });
}
