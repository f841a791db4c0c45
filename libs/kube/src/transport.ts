import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { PromiseHttpLibrary, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { clientNode } from './client-node';
import { KubeRequestError } from './errors';
import type { SiteKubeconfig } from './kubeconfig';
import { runWithPermits, type Semaphore } from './semaphore';

export interface TransportOptions {
  cluster: string;
  kubeconfig: SiteKubeconfig;
  /** Deadline of one request, from sending it to the last byte of the answer. */
  timeoutMs: number;
  /** Per-cluster semaphore first, then the global one (see runWithPermits). */
  limits: readonly Semaphore[];
  /** Called once per HTTP request sent. */
  onRequest: () => void;
}

/**
 * The HTTP layer under client-node's generated APIs. client-node's own layer opens a new agent (so
 * a new TLS handshake) for every request and has no deadline; this one keeps connections alive per
 * cluster, bounds concurrency, counts requests, and fails a request that takes longer than
 * `timeoutMs`, so an unreachable cluster costs a bounded wait and never holds up the others.
 */
export class ClusterTransport implements PromiseHttpLibrary {
  private readonly agent: Agent;
  private readonly authorization?: string;

  constructor(private readonly options: TransportOptions) {
    const { kubeconfig } = options;
    const { credentials } = kubeconfig;
    // One TLS context per cluster: without it Node parses the CA and key again for every connection.
    const secureContext = createSecureContext({
      ca: kubeconfig.caPem,
      ...(credentials.kind === 'client-certificate'
        ? { cert: credentials.certPem, key: credentials.keyPem }
        : {}),
    });
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: options.limits[0]?.permits ?? 8,
      secureContext,
      rejectUnauthorized: !kubeconfig.skipTlsVerify,
      servername: kubeconfig.tlsServerName,
    });
    if (credentials.kind === 'token') this.authorization = `Bearer ${credentials.token}`;
  }

  send(context: RequestContext): Promise<ResponseContext> {
    return runWithPermits(this.options.limits, () => this.sendNow(context));
  }

  close(): void {
    this.agent.destroy();
  }

  private sendNow(context: RequestContext): Promise<ResponseContext> {
    const body = context.getBody();
    if (body !== undefined && typeof body !== 'string')
      return Promise.reject(new Error('only string request bodies are supported'));
    const headers: Record<string, string> = { ...context.getHeaders() };
    if (this.authorization) headers.Authorization = this.authorization;
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    this.options.onRequest();
    const { cluster, timeoutMs } = this.options;
    return new Promise<ResponseContext>((resolve, reject) => {
      const request = httpsRequest(context.getUrl(), {
        method: context.getHttpMethod(),
        headers,
        agent: this.agent,
      });
      const timer = setTimeout(() => {
        request.destroy(
          new KubeRequestError('timeout', `no answer from the cluster within ${timeoutMs} ms`, { cluster }),
        );
      }, timeoutMs);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(networkError(error, cluster));
        });
        response.on('end', () => {
          clearTimeout(timer);
          const buffer = Buffer.concat(chunks);
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers))
            if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          const k8s = clientNode();
          resolve(
            new k8s.ResponseContext(response.statusCode ?? 0, responseHeaders, {
              text: async () => buffer.toString('utf8'),
              binary: async () => buffer,
            }),
          );
        });
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(networkError(error, cluster));
      });
      request.end(body);
    });
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ERR_SSL|EPROTO/;

/** Connection-level failures, as KubeRequestError; only the error code and message are kept. */
export function networkError(error: Error, cluster: string): KubeRequestError {
  if (error instanceof KubeRequestError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (TLS_CODES.test(code))
    return new KubeRequestError('tls', `TLS verification failed: ${error.message}`, { cluster });
  return new KubeRequestError('unreachable', `cannot reach the cluster: ${error.message || code}`, {
    cluster,
  });
}
