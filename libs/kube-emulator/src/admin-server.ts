/**
 * The emulator's admin listener: plain HTTP on 127.0.0.1 only, apart from the clusters' APIs, so a fault
 * that takes an API down (connections refused) can be cleared while that API does not listen.
 *
 *   GET    /clusters                 names, API URLs and fault state of every cluster (no token)
 *   GET    /clusters/NAME/faults     that cluster's fault state            (its bearer token)
 *   POST   /clusters/NAME/faults     a fault request, as /emulator/faults  (its bearer token)
 *   DELETE /clusters/NAME/faults     clears its faults, refused included   (its bearer token)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KubeEmulator } from './emulator';
import { ApiError } from './model/api-error';
import { faultEndpoint } from './server/api-handler';
import { EMULATOR_HEADER } from './model/version';

export interface AdminCluster {
  name: string;
  emulator: KubeEmulator;
}

export interface AdminServerOptions {
  clusters: readonly AdminCluster[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), digest(token));
}

export class EmulatorAdminServer {
  private readonly clusters: Map<string, KubeEmulator>;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort: number;

  constructor(options: AdminServerOptions) {
    this.clusters = new Map(options.clusters.map(({ name, emulator }) => [name, emulator]));
    this.boundPort = options.port ?? 0;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /** The fault endpoint of one cluster on this listener. */
  faultsUrl(cluster: string): string {
    return `${this.url}/clusters/${encodeURIComponent(cluster)}/faults`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      response.setHeader(EMULATOR_HEADER, 'true');
      this.dispatch(request, response).catch((error: unknown) => this.fail(response, error));
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only, whatever else is configured: anyone who reaches it can take a site down.
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parts = new URL(request.url ?? '/', 'http://admin.invalid').pathname
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent);
    if (parts.length === 1 && parts[0] === 'clusters') {
      if (request.method !== 'GET') throw ApiError.methodNotAllowed(request.method ?? '');
      return this.send(response, 200, {
        items: [...this.clusters].map(([name, emulator]) => ({
          name,
          server: emulator.url,
          listening: emulator.running,
          faults: emulator.faultState(),
        })),
      });
    }
    if (parts.length === 3 && parts[0] === 'clusters' && parts[2] === 'faults') {
      const emulator = this.clusters.get(parts[1] ?? '');
      if (!emulator) throw ApiError.pathNotFound(`cluster "${parts[1] ?? ''}"`);
      if (!bearerMatches(request.headers.authorization, emulator.token)) throw ApiError.unauthorized();
      return this.send(
        response,
        200,
        await faultEndpoint(request, {
          state: () => emulator.faultState(),
          apply: (fault) => emulator.applyFaults(fault),
        }),
      );
    }
    throw ApiError.pathNotFound(request.url ?? '/');
  }

  private send(response: ServerResponse, code: number, body: unknown): void {
    const payload = JSON.stringify(body);
    response.writeHead(code, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
    });
    response.end(payload);
  }

  private fail(response: ServerResponse, error: unknown): void {
    const apiError =
      error instanceof ApiError
        ? error
        : ApiError.internal(error instanceof Error ? error.message : 'unexpected failure');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    this.send(response, apiError.code, apiError.toStatus());
  }
}
