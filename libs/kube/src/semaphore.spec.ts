import { runWithPermits, Semaphore } from './semaphore';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(Semaphore.name, () => {
  it('admits at most `permits` holders and serves waiters in order', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const holders = [1, 2, 3, 4].map((n) =>
      semaphore.acquire().then((release) => {
        order.push(n);
        releases.push(release);
      }),
    );
    await tick();
    expect(order).toEqual([1, 2]);
    expect(semaphore.waiting).toBe(2);
    releases[0]();
    releases[0](); // a second release of the same permit is ignored
    await tick();
    expect(order).toEqual([1, 2, 3]);
    expect(semaphore.inUse).toBe(2);
    releases[1]();
    releases[2]();
    releases[3]?.();
    await Promise.all(holders);
    releases[3]();
    expect(semaphore.inUse).toBe(0);
  });

  it('releases the permit when the task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(semaphore.inUse).toBe(0);
  });

  it('refuses a non-positive size', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe(runWithPermits.name, () => {
  it('a cluster that saturates its own limit leaves the global limit to the others', async () => {
    const global = new Semaphore(3);
    const slowCluster = new Semaphore(1);
    const fastCluster = new Semaphore(2);
    let releaseSlow!: () => void;
    const blocked = new Promise<void>((resolve) => (releaseSlow = resolve));
    const slow = Array.from({ length: 5 }, () => runWithPermits([slowCluster, global], () => blocked));
    await tick();
    expect(global.inUse).toBe(1);
    const fast = await Promise.all(
      Array.from({ length: 4 }, (_, i) => runWithPermits([fastCluster, global], async () => i)),
    );
    expect(fast).toEqual([0, 1, 2, 3]);
    releaseSlow();
    await Promise.all(slow);
    expect(global.inUse).toBe(0);
  });
});
