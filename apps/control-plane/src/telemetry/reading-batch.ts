/**
 * Serialises batch flushes: whoever calls flush (the size trigger or the timer) waits for the flush in
 * progress, and every item is handed to the sink exactly once, in arrival order.
 */
export class ReadingBatch<T> {
  private items: T[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly sink: (items: T[]) => Promise<void>) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  flush(): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.items.length === 0) return;
      const taken = this.items;
      this.items = [];
      await this.sink(taken);
    });
    return this.chain;
  }
}
