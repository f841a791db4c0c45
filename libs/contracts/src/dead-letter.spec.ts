import { buildDeadLetter } from './dead-letter';

const at = new Date('2026-06-01T00:00:00Z');

describe(buildDeadLetter.name, () => {
  it('keeps a UTF-8 payload as text with its digest', () => {
    const letter = buildDeadLetter({ reason: 'schema', detail: 'd' }, 's', Buffer.from('{"a":1}'), at);
    expect(letter).toMatchObject({
      payloadEncoding: 'utf8',
      payload: '{"a":1}',
      payloadBytes: 7,
      payloadTruncated: false,
    });
    expect(letter.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps binary payloads as base64', () => {
    const letter = buildDeadLetter(
      { reason: 'malformed-json', detail: 'd' },
      's',
      Buffer.from([0xff, 0xfe]),
      at,
    );
    expect(letter).toMatchObject({ payloadEncoding: 'base64', payload: '//4=' });
  });

  it('truncates oversized payloads but records their full size', () => {
    const letter = buildDeadLetter({ reason: 'oversized', detail: 'd' }, 's', Buffer.alloc(100_000, 97), at);
    expect(letter.payloadTruncated).toBe(true);
    expect(letter.payloadBytes).toBe(100_000);
    expect(letter.payload.length).toBeLessThan(100_000);
  });
});
