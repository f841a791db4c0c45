import { ReadingBatch } from './reading-batch';

function gatedSink() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const sink = (items: number[]) => {
    batches.push(items);
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  return { batches, gates, sink };
}

describe(ReadingBatch.name, () => {
  it('hands every item to the sink exactly once, in batch order', async () => {
    const { batches, gates, sink } = gatedSink();
    const batch = new ReadingBatch<number>(sink, 4);
    batch.push(1);
    batch.push(2);
    await batch.flush();
    batch.push(3);
    await batch.flush();
    await batch.flush(); // nothing pending: no empty batch
    expect(batches).toEqual([[1, 2], [3]]);
    gates.forEach((open) => open());
    await batch.drain();
    expect(batch.writing).toBe(0);
  });

  it('overlaps writes up to the limit and then holds the caller back', async () => {
    const { batches, gates, sink } = gatedSink();
    const batch = new ReadingBatch<number>(sink, 2);
    batch.push(1);
    await batch.flush();
    batch.push(2);
    let released = false;
    const second = batch.flush().then(() => (released = true));
    await new Promise((r) => setImmediate(r));
    expect(batch.writing).toBe(2);
    expect(released).toBe(false); // two in flight: the consumer waits
    gates[0]();
    await second;
    expect(released).toBe(true);
    expect(batches).toEqual([[1], [2]]);
    gates[1]();
    await batch.drain();
  });

  it('drain waits for every write in flight', async () => {
    const { gates, sink } = gatedSink();
    const batch = new ReadingBatch<number>(sink, 3);
    batch.push(1);
    let drained = false;
    const draining = batch.drain().then(() => (drained = true));
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    gates[0]();
    await draining;
    expect(drained).toBe(true);
  });
});
