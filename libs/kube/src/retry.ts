import { KubeRequestError, type KubeFailure } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 5_000 };

/** Failures another attempt can fix: the cluster was busy, briefly gone, or raced with another writer. */
const RETRYABLE: ReadonlySet<KubeFailure> = new Set<KubeFailure>([
  'conflict',
  'throttled',
  'server-error',
  'timeout',
  'unreachable',
]);

export function isRetryable(error: unknown): boolean {
  return error instanceof KubeRequestError && RETRYABLE.has(error.failure);
}

/**
 * Delay before retry number `attempt` (0 for the first retry): "full jitter", uniformly random
 * between 0 and an exponentially growing cap, so a fleet of clients that failed together does not
 * retry together. A server's Retry-After is a floor: retrying sooner would only be throttled again.
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(random() * cap);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `operation` until it succeeds, fails for good, or runs out of attempts; the last error wins. */
export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = hooks.random ?? Math.random;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= policy.maxAttempts) throw error;
      const retryAfterMs = error instanceof KubeRequestError ? error.details.retryAfterMs : undefined;
      const delay = retryDelayMs(attempt, policy, random, retryAfterMs);
      hooks.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
