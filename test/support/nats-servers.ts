import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { LEAF_STORE_DIR } from '@polis/manifests';
import { freePort } from './influxd';

/**
 * Private nats-servers for the edge data plane's tests: a hub with JetStream (domain `hub`) and a leafnode
 * listener, and leaves started from the configuration Polis renders. All on free loopback ports, so the
 * shared server on 4222 (which has no leafnode port) is never involved.
 */
export class PrivateNatsServer {
  private process?: ChildProcess;
  private output = '';

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly clientPort: number,
    private readonly configPath: string,
    private readonly extraArgs: string[],
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.clientPort}`;
  }

  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    const child = spawn('nats-server', ['-c', this.configPath, ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited: ${this.output}`);
      const nc = await connect({ servers: this.url, reconnect: false }).catch(() => undefined);
      if (nc) {
        await nc.close();
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not accept connections: ${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  async connect(name = 'polis-test'): Promise<NatsConnection> {
    return connect({ servers: this.url, name });
  }
}

export interface PrivateHub {
  server: PrivateNatsServer;
  leafPort: number;
  leafUrl: string;
}

export async function privateHub(): Promise<PrivateHub> {
  const dir = await mkdtemp(join(tmpdir(), 'polis-hub-'));
  const [clientPort, leafPort] = [await freePort(), await freePort()];
  const configPath = join(dir, 'hub.conf');
  await writeFile(
    configPath,
    [
      'server_name: "hub"',
      `listen: "127.0.0.1:${clientPort}"`,
      `jetstream { domain: "hub", store_dir: ${JSON.stringify(join(dir, 'js'))} }`,
      `leafnodes { listen: "127.0.0.1:${leafPort}" }`,
      '',
    ].join('\n'),
  );
  const server = new PrivateNatsServer('hub', dir, clientPort, configPath, []);
  return { server, leafPort, leafUrl: `nats-leaf://127.0.0.1:${leafPort}` };
}

/**
 * A leaf from a rendered config, the way the pod runs it: the store directory (an emptyDir in the pod) is
 * mapped to a folder of its own, and the listen addresses are moved to loopback ports with nats-server's
 * flags (which override the file).
 */
export async function privateLeaf(name: string, renderedConfig: string): Promise<PrivateNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), `polis-leaf-${name}-`));
  await mkdir(join(dir, 'js'));
  const [clientPort, monitorPort] = [await freePort(), await freePort()];
  const configPath = join(dir, 'nats-server.conf');
  await writeFile(
    configPath,
    renderedConfig.split(JSON.stringify(LEAF_STORE_DIR)).join(JSON.stringify(join(dir, 'js'))),
  );
  return new PrivateNatsServer(name, dir, clientPort, configPath, [
    '-a',
    '127.0.0.1',
    '-p',
    String(clientPort),
    '-m',
    String(monitorPort),
  ]);
}

export async function removeServerDir(server: PrivateNatsServer): Promise<void> {
  await rm(server.dir, { recursive: true, force: true });
}
