import { parseReading } from './reading';

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseReading', () => {
  it('accepts epoch ms and RFC 3339 timestamps', () => {
    expect(parseReading(bytes({ ts: 1000, values: { a: 1 } }))).toEqual({
      ok: true,
      reading: { ts: 1000, values: { a: 1 } },
    });
    expect(parseReading(bytes({ ts: '2025-01-01T00:00:00Z', values: {} }))).toMatchObject({
      ok: true,
      reading: { ts: Date.UTC(2025, 0, 1) },
    });
  });

  it.each([
    ['not json', /JSON/],
    [[1], /ts/],
    [{ ts: -1, values: {} }, /ts/],
    [{ ts: 1, values: [] }, /values/],
    [{ ts: 1, values: { a: '1' } }, /values\.a/],
    [{ ts: 1, values: { a: null } }, /values\.a/],
  ])('refuses %p', (body, detail) => {
    const result = parseReading(bytes(body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toMatch(detail);
  });

  it('refuses an oversized payload without parsing it', () => {
    expect(parseReading(new Uint8Array(70_000))).toEqual({ ok: false, detail: 'oversized payload' });
  });
});
