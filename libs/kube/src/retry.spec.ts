import { KubeRequestError } from './errors';
import { isRetryable, parseRetryAfter, retryDelayMs, withRetry } from './retry';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

describe(retryDelayMs.name, () => {
  it('draws uniformly below an exponentially growing cap (full jitter)', () => {
    expect([0, 1, 2, 3, 4, 10].map((attempt) => retryDelayMs(attempt, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(2, policy, () => 0.5)).toBe(200);
  });

  it('never retries sooner than Retry-After', () => {
    expect(retryDelayMs(0, policy, () => 0.5, 2000)).toBe(2000);
    expect(retryDelayMs(4, policy, () => 0.9, 10)).toBe(900);
  });
});

describe(isRetryable.name, () => {
  it.each([
    ['conflict', true],
    ['throttled', true],
    ['server-error', true],
    ['timeout', true],
    ['unreachable', true],
    ['unauthorized', false],
    ['forbidden', false],
    ['invalid', false],
    ['already-exists', false],
    ['tls', false],
  ] as const)('%s → %s', (failure, retryable) => {
    expect(isRetryable(new KubeRequestError(failure, failure))).toBe(retryable);
  });

  it('does not retry errors that are not cluster failures', () => {
    expect(isRetryable(new Error('bug'))).toBe(false);
  });
});

describe(withRetry.name, () => {
  it('retries retryable failures with the computed delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new KubeRequestError('throttled', '429', { retryAfterMs: 50 });
        return 'ok';
      },
      policy,
      { sleep: async (ms) => void delays.push(ms), random: () => 0 },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([50, 50]);
  });

  it('gives up after maxAttempts with the last error, and at once on a permanent failure', async () => {
    let calls = 0;
    const sleep = async () => undefined;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new KubeRequestError('unreachable', `attempt ${calls}`);
        },
        policy,
        { sleep },
      ),
    ).rejects.toThrow('attempt 4');
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new KubeRequestError('unauthorized', 'credentials rejected (401)');
        },
        policy,
        { sleep },
      ),
    ).rejects.toThrow('401');
    expect(calls).toBe(1);
  });
});

describe(parseRetryAfter.name, () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(5000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
