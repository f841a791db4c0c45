/** Why a kubeconfig was refused; stable codes the API returns, and a message that names the problem. */
export type KubeconfigProblem =
  | 'empty'
  | 'parse'
  | 'not-a-kubeconfig'
  | 'missing-current-context'
  | 'context-not-found'
  | 'cluster-not-found'
  | 'user-not-found'
  | 'invalid-server'
  | 'invalid-certificate'
  | 'missing-credentials'
  | 'unsupported-auth'
  | 'file-reference';

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  constructor(
    readonly problem: KubeconfigProblem,
    message: string,
  ) {
    super(message);
  }
}

/** What went wrong talking to a cluster, in the terms the retry policy and operators care about. */
export type KubeFailure =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'already-exists'
  | 'invalid'
  | 'throttled'
  | 'server-error'
  | 'timeout'
  | 'unreachable'
  | 'tls'
  | 'other';

/**
 * A failed cluster request. The message is safe to log and to return through the API: it never
 * carries request headers or bodies (so never a token), only a status and the server's short reason.
 */
export class KubeRequestError extends Error {
  override readonly name = 'KubeRequestError';
  constructor(
    readonly failure: KubeFailure,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; cluster?: string } = {},
  ) {
    super(message);
  }
}
