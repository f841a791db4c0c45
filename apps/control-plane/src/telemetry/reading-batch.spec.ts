import { ReadingBatch } from './reading-batch';

describe(ReadingBatch.name, () => {
  it('hands every item to the sink once, in order, even with overlapping flushes', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[][] = [];
    const batch = new ReadingBatch<number>(async (items) => {
      seen.push([...items]);
      await gate;
    });
    batch.push(1);
    batch.push(2);
    const first = batch.flush();
    await Promise.resolve(); // let the first flush take its items and block in the sink
    await Promise.resolve();
    batch.push(3);
    const second = batch.flush();
    const third = batch.flush();
    release();
    await Promise.all([first, second, third]);
    expect(seen).toEqual([[1, 2], [3]]);
    expect(batch.size).toBe(0);
  });

  it('does not call the sink for an empty batch', async () => {
    const sink = jest.fn(async () => undefined);
    await new ReadingBatch<number>(sink).flush();
    expect(sink).not.toHaveBeenCalled();
  });
});
