import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createControlPlane } from '../../apps/control-plane/src/bootstrap';
import { loadConfig } from '../../apps/control-plane/src/config';
import { CONTROL_PLANE_LOG_LEVEL } from './log-level';
import { NATS_URL, REDIS_URL } from './services';

export interface ControlPlaneEnv {
  prefix: string;
  influxUrl: string;
  extra?: Record<string, string>;
}

/**
 * Logs at `warn` unless POLIS_TEST_LOG_LEVEL asks (test/support/log-level.ts). Every control plane gets a
 * kubeconfig key of its own, so none warns that sites are read-only; a test that wants otherwise says so.
 */
function env(options: ControlPlaneEnv, port: number): Record<string, string> {
  return {
    NATS_URL,
    REDIS_URL,
    INFLUX_URL: options.influxUrl,
    POLIS_SUBJECT_PREFIX: options.prefix,
    PORT: String(port),
    LOG_LEVEL: CONTROL_PLANE_LOG_LEVEL,
    POLIS_KUBECONFIG_KEY: randomBytes(32).toString('base64'),
    ...options.extra,
  };
}

/** The control plane in this process: fast, and its services can be inspected. */
export async function startInProcess(
  options: ControlPlaneEnv,
): Promise<{ app: INestApplication; url: string }> {
  const app = await createControlPlane(loadConfig(env(options, 0)));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as import('node:http').Server;
  const address = server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

const BUILT_MAIN = join(__dirname, '../../dist/apps/control-plane/main.js');

/** The built control plane as its own process, so a test can kill it the way a crash would. */
export class ControlPlaneProcess {
  private child?: ChildProcess;
  private readonly environment: Record<string, string>;
  output = '';

  constructor(
    options: ControlPlaneEnv,
    readonly port: number,
  ) {
    if (!existsSync(BUILT_MAIN))
      throw new Error(`${BUILT_MAIN} is missing: run "npx nest build control-plane" first`);
    this.environment = env(options, port); // once: a restarted process keeps its kubeconfig key
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [BUILT_MAIN], {
      env: { PATH: process.env.PATH ?? '', ...this.environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`control plane exited: ${this.output}`);
      const ok = await fetch(`${this.url}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`control plane did not become healthy: ${this.output}`);
  }

  /** Sends a signal and returns at once: SIGSTOP and SIGCONT pause and resume the process. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Resolves with the exit code (null when the signal killed it). */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }
}
