/** A counting semaphore: at most `permits` holders at once, waiters served first come, first served. */
export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1)
      throw new RangeError(`permits must be a positive integer, got ${permits}`);
    this.available = permits;
  }

  get inUse(): number {
    return this.permits - this.available;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<() => void> {
    if (this.available > 0) {
      this.available -= 1;
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }

  private release(): void {
    const next = this.waiters.shift();
    // The permit passes straight to the next waiter, so a newcomer cannot overtake it.
    if (next) next();
    else this.available += 1;
  }
}

/**
 * Runs a task holding one permit of each semaphore, taken in order. Take the narrow (per-cluster)
 * one first: a slow cluster's backlog then queues on its own semaphore and holds no global permits.
 */
export async function runWithPermits<T>(
  semaphores: readonly Semaphore[],
  task: () => Promise<T>,
): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const semaphore of semaphores) releases.push(await semaphore.acquire());
    return await task();
  } finally {
    for (const release of releases.reverse()) release();
  }
}
