import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** `/healthz`: the process answers. `/readyz`: a model is loaded and its workers are up. */
export async function startHealthServer(
  listen: { host: string; port: number },
  readiness: () => { ready: boolean; detail: Record<string, unknown> },
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'method not allowed' });
    if (path === '/healthz') return reply(200, { status: 'ok' });
    if (path === '/readyz') {
      const { ready, detail } = readiness();
      return reply(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...detail });
    }
    return reply(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
