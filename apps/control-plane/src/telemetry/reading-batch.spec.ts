import fc from 'fast-check';
import { ReadingBatch } from './reading-batch';

/** A sink whose writes finish only when the test says, with the answer the test gives. */
function gatedSink() {
  const batches: number[][] = [];
  const gates: ((stored: boolean) => void)[] = [];
  const sink = (items: number[]) => {
    batches.push(items);
    return new Promise<boolean>((resolve) => gates.push(resolve));
  };
  return { batches, gates, sink };
}

const tick = () => new Promise((r) => setImmediate(r));

describe(ReadingBatch.name, () => {
  it('starts a write at the batch size or on flush, and hands every item over exactly once', async () => {
    const { batches, gates, sink } = gatedSink();
    const settled: number[] = [];
    const batch = new ReadingBatch<number>(sink, { batchSize: 2, maxInFlight: 4 }, (n) => settled.push(n));
    batch.push(1);
    expect(batches).toEqual([]);
    batch.push(2);
    batch.push(3);
    batch.flush();
    batch.flush(); // nothing pending: no empty batch
    expect(batches).toEqual([[1, 2], [3]]);
    gates.forEach((open) => open(true));
    await batch.drain();
    expect(settled).toEqual([2, 3]);
    expect(batch.writing).toBe(0);
  });

  it('settles in the order writes started, whatever order they finish in', async () => {
    const { gates, sink } = gatedSink();
    const settled: number[] = [];
    const batch = new ReadingBatch<number>(sink, { batchSize: 1, maxInFlight: 3 }, (n) => settled.push(n));
    [1, 2, 3].forEach((n) => batch.push(n));
    gates[2](true);
    gates[1](true);
    await tick();
    expect(settled).toEqual([]); // the first write is still out: acking 3 would ack 1 too
    gates[0](true);
    await tick();
    expect(settled).toEqual([1, 2, 3]);
  });

  it('accumulates while every slot is busy and writes the backlog as one batch when one frees', async () => {
    const { batches, gates, sink } = gatedSink();
    const batch = new ReadingBatch<number>(sink, { batchSize: 2, maxInFlight: 1 }, () => undefined);
    [1, 2, 3, 4, 5].forEach((n) => batch.push(n));
    expect(batches).toEqual([[1, 2]]);
    expect(batch.size).toBe(3);
    gates[0](true);
    await tick();
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('never settles past a batch that was not stored', async () => {
    const { gates, sink } = gatedSink();
    const settled: number[] = [];
    const batch = new ReadingBatch<number>(sink, { batchSize: 1, maxInFlight: 3 }, (n) => settled.push(n));
    [1, 2, 3].forEach((n) => batch.push(n));
    gates[0](true);
    gates[1](false);
    gates[2](true);
    await batch.drain();
    expect(settled).toEqual([1]);
  });

  it('settles nothing after abandon, even writes that finish later', async () => {
    const { gates, sink } = gatedSink();
    const settled: number[] = [];
    const batch = new ReadingBatch<number>(sink, { batchSize: 1, maxInFlight: 2 }, (n) => settled.push(n));
    batch.push(1);
    batch.abandon();
    gates[0](true);
    await batch.drain();
    expect(settled).toEqual([]);
  });

  it('drain waits for every write in flight', async () => {
    const { gates, sink } = gatedSink();
    const batch = new ReadingBatch<number>(sink, { batchSize: 10, maxInFlight: 3 }, () => undefined);
    batch.push(1);
    let drained = false;
    const draining = batch.drain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    gates[0](true);
    await draining;
    expect(drained).toBe(true);
  });

  it('only ever settles an item when it and every item before it are stored (any finishing order)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        async (count, batchSize, maxInFlight, picks, answers) => {
          const { batches, gates, sink } = gatedSink();
          const stored = new Set<number>();
          const answered = new Set<number>();
          const settled: number[] = [];
          const batch = new ReadingBatch<number>(sink, { batchSize, maxInFlight }, (n) => {
            for (let i = 0; i <= n; i++) expect(stored.has(i)).toBe(true);
            settled.push(n);
          });
          for (let n = 0; n < count; n++) batch.push(n);
          batch.flush();
          const draining = batch.drain();
          for (let step = 0; answered.size < batches.length; step++) {
            // Finish one unanswered write, chosen by the test, stored or not.
            const open = [...batches.keys()].filter((i) => !answered.has(i));
            const i = open[picks[step % picks.length] % open.length];
            const ok = answers[step % answers.length] || step > 150;
            answered.add(i);
            if (ok) batches[i].forEach((n) => stored.add(n));
            gates[i](ok);
            await tick();
          }
          await draining;
          expect(batches.flat().sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
          expect(settled).toEqual([...settled].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200 },
    );
  });
});
