/**
 * Collects items into batches and hands each batch to the sink exactly once. Up to `maxInFlight` batches are
 * written at the same time, so parsing the next batch overlaps the write of the last one; `flush` waits only
 * when that many are already in flight, which is the backpressure on the consumer loop.
 */
export class ReadingBatch<T> {
  private items: T[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sink: (items: T[]) => Promise<void>,
    private readonly maxInFlight: number,
  ) {
    if (maxInFlight < 1) throw new RangeError('maxInFlight must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  get writing(): number {
    return this.inFlight.size;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Starts writing what is pending; resolves once another batch may be started. */
  async flush(): Promise<void> {
    if (this.items.length > 0) {
      const taken = this.items;
      this.items = [];
      const write: Promise<void> = this.sink(taken).finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
    }
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
  }

  /** Writes what is pending and waits for every write in flight. */
  async drain(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
  }
}
