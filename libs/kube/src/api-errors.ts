import { clientNode } from './client-node';
import { KubeRequestError, type KubeFailure } from './errors';
import { parseRetryAfter } from './retry';

interface StatusBody {
  reason?: string;
  message?: string;
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

function failureOf(status: number, reason: string | undefined): KubeFailure {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return reason === 'AlreadyExists' ? 'already-exists' : 'conflict';
  if (status === 429) return 'throttled';
  if (status === 400 || status === 422) return 'invalid';
  if (status >= 500) return 'server-error';
  return 'other';
}

/**
 * Turns whatever a client-node call rejected with into a KubeRequestError. For HTTP errors it keeps
 * the status, the Status reason and a bounded message: client-node's own error carries the whole
 * response, which is not for logs.
 */
export function toKubeRequestError(error: unknown, cluster: string): KubeRequestError {
  if (error instanceof KubeRequestError) return error;
  const k8s = clientNode();
  if (error instanceof k8s.ApiException) {
    const status = (error as InstanceType<typeof k8s.ApiException<unknown>>).code;
    const headers = (error as InstanceType<typeof k8s.ApiException<unknown>>).headers ?? {};
    const body = statusBody((error as InstanceType<typeof k8s.ApiException<unknown>>).body);
    const failure = failureOf(status, body.reason);
    const summary =
      failure === 'unauthorized'
        ? 'credentials rejected (401)'
        : `${body.reason ?? 'HTTP error'} (${status})${body.message ? `: ${body.message.slice(0, 300)}` : ''}`;
    return new KubeRequestError(failure, summary, {
      status,
      cluster,
      retryAfterMs: parseRetryAfter(headers['retry-after']),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KubeRequestError('other', message.slice(0, 300), { cluster });
}
