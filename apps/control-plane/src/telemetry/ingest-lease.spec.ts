import { ingestLeaseSchema, LeaseWatch, nextLease } from './ingest-lease';

const held = { owner: 'a', epoch: 3, consumer: 'polis-ingest-3', startFloor: 10 };

describe(LeaseWatch.name, () => {
  it('takes a lease that is absent, unreadable or released at once', () => {
    const watch = new LeaseWatch(5_000);
    expect(watch.isFree(undefined, 0)).toBe(true);
    expect(watch.isFree({ revision: 4 }, 0)).toBe(true);
    expect(watch.isFree({ revision: 4, lease: { ...held, owner: null } }, 0)).toBe(true);
  });

  it('waits a whole TTL on its own clock from the first sight of a revision', () => {
    const watch = new LeaseWatch(5_000);
    expect(watch.isFree({ revision: 7, lease: held }, 1_000)).toBe(false);
    expect(watch.isFree({ revision: 7, lease: held }, 5_999)).toBe(false);
    expect(watch.isFree({ revision: 7, lease: held }, 6_000)).toBe(true);
  });

  it('starts over whenever the owner renews', () => {
    const watch = new LeaseWatch(5_000);
    for (let t = 0, revision = 1; t < 60_000; t += 1_000, revision++) {
      expect(watch.isFree({ revision, lease: held }, t)).toBe(false);
    }
  });
});

describe(nextLease.name, () => {
  it('raises the epoch and names a consumer of its own', () => {
    expect(nextLease(held, 'b', 42)).toEqual({
      owner: 'b',
      epoch: 4,
      consumer: 'polis-ingest-4',
      startFloor: 42,
    });
    expect(nextLease(undefined, 'b', 0)).toMatchObject({ epoch: 1, consumer: 'polis-ingest-1' });
  });

  it('writes records its own schema reads back', () => {
    expect(ingestLeaseSchema.parse(nextLease(held, 'b', 1))).toEqual(nextLease(held, 'b', 1));
    expect(ingestLeaseSchema.safeParse({ ...held, consumer: 'a.b' }).success).toBe(false);
  });
});
