import { retryDelayMs, type RetryPolicy } from './retry';

export interface KeyedQueueOptions {
  /** Keys worked on at once; one key is never worked on twice at the same time. */
  concurrency: number;
  /** Backoff before a key whose work failed is tried again. */
  backoff: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  random?: () => number;
  onFailure?: (key: string, error: unknown) => void;
}

/**
 * A work queue of keys, as Kubernetes controllers use: adding a key that is already waiting does
 * nothing, adding one that is being worked on runs it once more afterwards, and a failed key comes
 * back after a jittered backoff. So one object is never reconciled concurrently, and a burst of
 * events about it costs at most one more pass.
 */
export class KeyedWorkQueue {
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly attempts = new Map<string, number>();
  private readonly failures = new Map<string, unknown>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly options: KeyedQueueOptions,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    const timer = this.retryTimers.get(key);
    if (timer) {
      // Something changed: try now rather than at the end of the backoff.
      clearTimeout(timer);
      this.retryTimers.delete(key);
    }
    if (this.running.has(key)) this.again.add(key);
    else this.waiting.add(key);
    this.pump();
  }

  /** Nothing waiting, running or waiting to be retried. */
  get idle(): boolean {
    return this.waiting.size === 0 && this.running.size === 0 && this.retryTimers.size === 0;
  }

  get size(): number {
    return new Set([...this.waiting, ...this.running, ...this.retryTimers.keys()]).size;
  }

  /** Keys whose last attempt failed, with the error. */
  failed(): Map<string, unknown> {
    return new Map(this.failures);
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.waiting.clear();
    this.again.clear();
  }

  private pump(): void {
    if (this.stopped) return;
    for (const key of this.waiting) {
      if (this.running.size >= this.options.concurrency) return;
      this.waiting.delete(key);
      this.running.add(key);
      void this.run(key);
    }
    this.notifyIfIdle();
  }

  private async run(key: string): Promise<void> {
    try {
      await this.work(key);
      this.attempts.delete(key);
      this.failures.delete(key);
    } catch (error) {
      this.failures.set(key, error);
      this.options.onFailure?.(key, error);
      if (!this.again.has(key)) this.retryLater(key);
    } finally {
      this.running.delete(key);
      if (this.again.delete(key)) this.waiting.add(key);
      this.pump();
    }
  }

  private retryLater(key: string): void {
    if (this.stopped) return;
    const attempt = this.attempts.get(key) ?? 0;
    this.attempts.set(key, attempt + 1);
    const delay = retryDelayMs(attempt, this.options.backoff, this.options.random ?? Math.random);
    this.retryTimers.set(
      key,
      setTimeout(() => {
        this.retryTimers.delete(key);
        this.add(key);
      }, delay),
    );
  }

  private notifyIfIdle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
