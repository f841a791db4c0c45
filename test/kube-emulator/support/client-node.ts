/** Jest-side handle on the client-node driver process (see client-node-driver.ts for why it is a process). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type ApiName = 'CoreV1Api' | 'AppsV1Api' | 'VersionApi';

export class ClientNodeError extends Error {
  constructor(
    readonly code: number | undefined,
    readonly body: unknown,
    readonly headers: Record<string, string> | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ClientNodeError';
  }
}

interface Reply {
  id?: number;
  ready?: boolean;
  ok?: boolean;
  result?: unknown;
  error?: { code?: number; body?: unknown; headers?: Record<string, string>; message?: string };
}

export const PATCH = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export class ClientNode {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  static async start(kubeconfigPath: string): Promise<ClientNode> {
    const child = spawn(
      process.execPath,
      [
        '--no-warnings',
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        join(__dirname, 'client-node-driver.ts'),
        kubeconfigPath,
      ],
      { cwd: join(__dirname, '..', '..', '..'), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const driver = new ClientNode(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`client-node driver exited ${String(code)}: ${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const reply = JSON.parse(line) as Reply;
        if (reply.ready) resolve();
        else if (reply.id !== undefined) driver.waiting.get(reply.id)?.(reply);
      });
    });
    await ready;
    return driver;
  }

  private request(message: object): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (reply) => {
        this.waiting.delete(id);
        resolve(reply);
      });
      this.child.stdin.write(`${JSON.stringify({ id, ...message })}\n`);
    });
  }

  /** Calls `new <api>().<method>(params)` in client-node; rejects with ClientNodeError on API errors. */
  async call<T = Record<string, unknown>>(
    api: ApiName,
    method: string,
    params: unknown,
    contentType?: string,
  ): Promise<T> {
    const reply = await this.request({ op: 'call', api, method, params, contentType });
    if (!reply.ok) {
      const error = reply.error ?? {};
      throw new ClientNodeError(
        error.code,
        error.body,
        error.headers,
        error.message ?? `HTTP ${String(error.code)}`,
      );
    }
    return reply.result as T;
  }

  /** Resolves to the ClientNodeError a call fails with (fails the test if it succeeds). */
  async callError(
    api: ApiName,
    method: string,
    params: unknown,
    contentType?: string,
  ): Promise<ClientNodeError> {
    try {
      await this.call(api, method, params, contentType);
    } catch (error) {
      if (error instanceof ClientNodeError) return error;
      throw error;
    }
    throw new Error(`${api}.${method} succeeded but was expected to fail`);
  }

  async watchStart(watchId: string, path: string, query: Record<string, string> = {}): Promise<void> {
    const reply = await this.request({ op: 'watch-start', watchId, path, query });
    if (!reply.ok) throw new Error(`watch ${watchId} failed to start: ${JSON.stringify(reply.error)}`);
  }

  async watchEvents(
    watchId: string,
  ): Promise<{ events: { type: string; object: Record<string, unknown> }[]; done: string | null }> {
    const reply = await this.request({ op: 'watch-events', watchId });
    return reply.result as {
      events: { type: string; object: Record<string, unknown> }[];
      done: string | null;
    };
  }

  async watchStop(watchId: string): Promise<void> {
    await this.request({ op: 'watch-stop', watchId });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    this.child.kill();
    await exited;
  }
}
