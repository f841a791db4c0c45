import { KeyedWorkQueue } from './keyed-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe(KeyedWorkQueue.name, () => {
  it('never works on one key twice at once, and runs it once more after a change during work', async () => {
    const running = new Map<string, number>();
    let peakPerKey = 0;
    const gates: (() => void)[] = [];
    const runs: string[] = [];
    const queue = new KeyedWorkQueue(
      async (key) => {
        running.set(key, (running.get(key) ?? 0) + 1);
        peakPerKey = Math.max(peakPerKey, running.get(key)!);
        runs.push(key);
        const gate = deferred();
        gates.push(gate.resolve);
        await gate.promise;
        running.set(key, running.get(key)! - 1);
      },
      { concurrency: 4, backoff: { baseDelayMs: 1, maxDelayMs: 1 } },
    );
    queue.add('a');
    queue.add('a');
    queue.add('b');
    await tick();
    expect(runs).toEqual(['a', 'b']);
    queue.add('a');
    queue.add('a');
    gates.shift()!();
    await tick();
    expect(runs).toEqual(['a', 'b', 'a']);
    while (gates.length) {
      gates.shift()!();
      await tick();
    }
    await queue.whenIdle();
    expect(peakPerKey).toBe(1);
    expect(runs).toEqual(['a', 'b', 'a']);
  });

  it('bounds concurrency across keys', async () => {
    let active = 0;
    let peak = 0;
    const queue = new KeyedWorkQueue(
      async () => {
        active += 1;
        peak = Math.max(peak, active);
        await tick();
        active -= 1;
      },
      { concurrency: 3, backoff: { baseDelayMs: 1, maxDelayMs: 1 } },
    );
    for (let i = 0; i < 20; i += 1) queue.add(`k${i}`);
    await queue.whenIdle();
    expect(peak).toBe(3);
  });

  it('retries a failed key after a backoff and reports the failure meanwhile', async () => {
    let attempts = 0;
    const failures: string[] = [];
    const queue = new KeyedWorkQueue(
      async () => {
        attempts += 1;
        if (attempts < 3) throw new Error(`attempt ${attempts}`);
      },
      {
        concurrency: 1,
        backoff: { baseDelayMs: 5, maxDelayMs: 5 },
        onFailure: (_key, error) => failures.push((error as Error).message),
      },
    );
    queue.add('x');
    await tick();
    expect(queue.idle).toBe(false);
    expect(queue.failed().get('x')).toBeInstanceOf(Error);
    await queue.whenIdle();
    expect(attempts).toBe(3);
    expect(failures).toEqual(['attempt 1', 'attempt 2']);
    expect(queue.failed().size).toBe(0);
  });

  it('does nothing after stop', async () => {
    let runs = 0;
    const queue = new KeyedWorkQueue(async () => void (runs += 1), {
      concurrency: 1,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    queue.stop();
    queue.add('x');
    await tick();
    expect(runs).toBe(0);
  });
});
