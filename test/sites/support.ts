/** Helpers of the site tests: emulated sites, a raw "kubectl" for hand edits, and waiting. */
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { KubeEmulator, generateTlsMaterial, type TlsMaterial } from '@polis/kube-emulator';
import { renderModelWorkload, type RenderedWorkload } from '@polis/manifests';

export const sharedTls: TlsMaterial = generateTlsMaterial();

/** An emulated site whose nodes carry the labels the rendered pods require. */
export async function startSite(
  name: string,
  options: { nodes?: number; gpus?: number; token?: string; port?: number; zone?: string } = {},
): Promise<KubeEmulator> {
  const emulator = new KubeEmulator({
    name,
    tls: sharedTls,
    token: options.token,
    port: options.port,
    podStartDelayMs: 20,
    nodes: {
      count: options.nodes ?? 2,
      template: {
        cpu: '4',
        memory: '8Gi',
        gpus: options.gpus,
        zone: options.zone ?? 'north',
        labels: { 'polis.city/site': name },
        taints: options.gpus ? [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] : undefined,
      },
    },
  });
  await emulator.start();
  return emulator;
}

export function workload(siteId: string, deploymentId: string, replicas = 1): RenderedWorkload {
  return renderModelWorkload({
    deploymentId,
    siteId,
    natsUrl: 'nats://hub.polis.test:4222',
    model: {
      name: 'traffic-anomaly',
      version: '1.0.0',
      artifactUrl: 'https://hub.polis.test/artifacts/traffic-anomaly/1.0.0/model.onnx',
      artifactSha256: 'a'.repeat(64),
    },
    sensorKinds: ['traffic-loop'],
    runtime: { image: 'ghcr.io/polis-city/model-runner', version: '0.4.1' },
    replicas,
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '64Mi', limit: '128Mi' } },
  });
}

export interface RawResponse {
  status: number;
  body: any;
}

/** A hand edit, as an operator would make with kubectl: straight HTTPS with the emulator's token. */
export function kubectl(
  emulator: KubeEmulator,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/merge-patch+json',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${emulator.url}${path}`,
      {
        method,
        ca: emulator.caPem,
        headers: {
          Authorization: `Bearer ${emulator.token}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': contentType }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A TCP server that accepts connections and never answers: a cluster that hangs. */
export async function blackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The emulator's kubeconfig pointed at another port (a cluster that is not there, or hangs). */
export function kubeconfigAt(emulator: KubeEmulator, port: number): string {
  return emulator.kubeconfig().replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${port}`);
}

export function kubeconfigWithToken(emulator: KubeEmulator, token: string): string {
  return emulator.kubeconfig().replace(emulator.token, token);
}

export function randomKey(): string {
  return randomBytes(32).toString('base64');
}

export { waitFor as eventually } from '../support/services';
