import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A private influxd for tests that stop and start InfluxDB: the shared one on 8086 stays up for everyone else.
 * It renders the same configuration template scripts/services.sh uses.
 */
export class PrivateInfluxd {
  private process?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly httpPort: number,
    private readonly configPath: string,
  ) {}

  static async create(): Promise<PrivateInfluxd> {
    const dir = await mkdtemp(join(tmpdir(), 'polis-influxd-'));
    const [httpPort, rpcPort] = [await freePort(), await freePort()];
    const template = await readFile(join(__dirname, '../../scripts/influxdb.conf.template'), 'utf8');
    const config = template
      .replace(/@DIR@/g, dir)
      .replace(/@HTTP_PORT@/g, String(httpPort))
      .replace(/@RPC_PORT@/g, String(rpcPort));
    const configPath = join(dir, 'influxdb.conf');
    await writeFile(configPath, config);
    return new PrivateInfluxd(dir, httpPort, configPath);
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async start(): Promise<void> {
    this.process = spawn('influxd', ['-config', this.configPath], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${this.url}/ping`).then(
        (r) => r.status === 204,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`influxd did not answer on ${this.url}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
