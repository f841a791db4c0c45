export interface ReadingBatchOptions {
  /** A write starts once this many items are pending (or on `flush`). */
  batchSize: number;
  /** Writes in flight at once; while all are busy, pending items accumulate into the next, larger batch. */
  maxInFlight: number;
}

interface Write<T> {
  items: T[];
  done: boolean;
  stored: boolean;
}

/**
 * Collects items into batches and hands each batch to the sink exactly once; up to `maxInFlight` are written
 * at the same time. Batches settle in the order they were started, whatever order their writes finish in:
 * `settled` gets the last item of each stored batch once it and every earlier batch are stored. That is what
 * makes a cumulative ack of that item safe. A batch that is not stored (the sink resolved false: stopping, or
 * ownership lost) stops all settling after it, so nothing later is ever acknowledged past it.
 */
export class ReadingBatch<T> {
  private items: T[] = [];
  private readonly writes: Write<T>[] = [];
  /** Writes whose sink has not answered yet; finished ones may still wait in `writes` for an earlier one. */
  private inFlight = 0;
  private flushDue = false;
  private broken = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly sink: (items: T[]) => Promise<boolean>,
    private readonly options: ReadingBatchOptions,
    private readonly settled: (last: T) => void,
  ) {
    if (options.maxInFlight < 1) throw new RangeError('maxInFlight must be at least 1');
    if (options.batchSize < 1) throw new RangeError('batchSize must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  get writing(): number {
    return this.inFlight;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.options.batchSize) this.startWrites();
  }

  /** Starts writing what is pending now, or as soon as a write slot frees. */
  flush(): void {
    if (this.items.length === 0) return;
    this.flushDue = true;
    this.startWrites();
  }

  /** No batch settles any more (its items will be redelivered); writes in flight run to their end. */
  abandon(): void {
    this.broken = true;
    this.items = [];
  }

  /** Writes what is pending and resolves once every write has finished. */
  async drain(): Promise<void> {
    for (;;) {
      this.flush();
      if (this.writes.length === 0 && this.items.length === 0) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private startWrites(): void {
    while (
      this.items.length > 0 &&
      this.inFlight < this.options.maxInFlight &&
      (this.flushDue || this.items.length >= this.options.batchSize)
    ) {
      const write: Write<T> = { items: this.items, done: false, stored: false };
      this.items = [];
      this.flushDue = false;
      this.writes.push(write);
      this.inFlight++;
      void this.sink(write.items).then(
        (stored) => this.finish(write, stored),
        () => this.finish(write, false),
      );
    }
  }

  private finish(write: Write<T>, stored: boolean): void {
    write.done = true;
    write.stored = stored;
    this.inFlight--;
    while (this.writes[0]?.done) {
      const head = this.writes.shift()!;
      if (!head.stored) this.broken = true;
      if (!this.broken) this.settled(head.items[head.items.length - 1]);
    }
    this.startWrites();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
