import fc from 'fast-check';
import { BUILTIN_SENSOR_KINDS } from './sensor-kinds';
import {
  type DeadLetterReason,
  MAX_TELEMETRY_PAYLOAD_BYTES,
  plainReadingPayload,
  readingPayloadSchema,
  validateTelemetry,
  type ValidationContext,
} from './telemetry';

const NOW = Date.parse('2026-06-01T08:00:00Z');
const ctx: ValidationContext = {
  subjectPrefix: 'polis',
  now: NOW,
  retentionMs: 30 * 86_400_000,
  kindOf: (name) => BUILTIN_SENSOR_KINDS.find((k) => k.name === name),
};
const SUBJECT = 'polis.telemetry.traffic-01.traffic-loop.north';
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const good = { ts: NOW, values: { vehicleCount: 12, meanSpeedKmh: 43.5, occupancyPct: 18 } };

function reasonOf(subject: string, payload: Uint8Array): DeadLetterReason | 'ok' {
  const result = validateTelemetry(subject, payload, ctx);
  return result.ok ? 'ok' : result.reason;
}

describe(validateTelemetry.name, () => {
  it('accepts a reading and returns its address, timestamp and values', () => {
    const result = validateTelemetry(SUBJECT, bytes(good), ctx);
    expect(result).toEqual({
      ok: true,
      reading: {
        siteId: 'traffic-01',
        sensorKind: 'traffic-loop',
        sensorId: 'north',
        ts: NOW,
        values: good.values,
      },
    });
  });

  it('accepts RFC 3339 timestamps with offsets', () => {
    const result = validateTelemetry(SUBJECT, bytes({ ...good, ts: '2026-06-01T10:00:00.250+02:00' }), ctx);
    expect(result.ok && result.reading.ts).toBe(NOW + 250);
  });

  it.each<[string, string, Uint8Array | string, DeadLetterReason]>([
    ['oversized payloads', SUBJECT, Buffer.alloc(MAX_TELEMETRY_PAYLOAD_BYTES + 1, 32), 'oversized'],
    ['upper-case tokens', 'polis.telemetry.Traffic-01.traffic-loop.north', bytes(good), 'bad-subject'],
    ['too few tokens', 'polis.telemetry.traffic-01.traffic-loop', bytes(good), 'bad-subject'],
    ['too many tokens', `${SUBJECT}.extra`, bytes(good), 'bad-subject'],
    [
      'a 65-character token',
      `polis.telemetry.${'a'.repeat(65)}.traffic-loop.north`,
      bytes(good),
      'bad-subject',
    ],
    ['malformed JSON', SUBJECT, '{"ts": 1,', 'malformed-json'],
    ['JSON after a byte-order mark', SUBJECT, `\uFEFF${JSON.stringify(good)}`, 'malformed-json'],
    ['a missing values object', SUBJECT, bytes({ ts: NOW }), 'schema'],
    ['extra top-level keys', SUBJECT, bytes({ ...good, extra: 1 }), 'schema'],
    ['string values', SUBJECT, bytes({ ts: NOW, values: { vehicleCount: '3' } }), 'schema'],
    ['empty values', SUBJECT, bytes({ ts: NOW, values: {} }), 'schema'],
    ['fields the kind does not have', SUBJECT, bytes({ ts: NOW, values: { rain: 1 } }), 'schema'],
    ['fractional integer fields', SUBJECT, bytes({ ts: NOW, values: { vehicleCount: 1.5 } }), 'schema'],
    ['an unparseable timestamp', SUBJECT, bytes({ ...good, ts: 'yesterday' }), 'schema'],
    ['an unknown kind', 'polis.telemetry.traffic-01.radar.r1', bytes(good), 'unknown-kind'],
    [
      'a number that overflows to Infinity',
      SUBJECT,
      `{"ts":${NOW},"values":{"vehicleCount":1e999}}`,
      'non-finite',
    ],
    ['values out of range', SUBJECT, bytes({ ts: NOW, values: { occupancyPct: 101 } }), 'out-of-range'],
    ['negative counts', SUBJECT, bytes({ ts: NOW, values: { vehicleCount: -1 } }), 'out-of-range'],
    [
      'timestamps over 5 minutes ahead',
      SUBJECT,
      bytes({ ...good, ts: NOW + 5 * 60_000 + 1 }),
      'future-timestamp',
    ],
    [
      'timestamps past the retention',
      SUBJECT,
      bytes({ ...good, ts: NOW - 31 * 86_400_000 }),
      'expired-timestamp',
    ],
  ])('rejects %s', (_name, subject, payload, reason) => {
    expect(reasonOf(subject, typeof payload === 'string' ? bytes(payload) : payload)).toBe(reason);
  });

  it('allows timestamps just within the future skew', () => {
    expect(reasonOf(SUBJECT, bytes({ ...good, ts: NOW + 5 * 60_000 }))).toBe('ok');
  });

  it('accepts a subset of the fields of a kind', () => {
    expect(reasonOf(SUBJECT, bytes({ ts: NOW, values: { vehicleCount: 0 } }))).toBe('ok');
  });
});

describe(plainReadingPayload.name, () => {
  const key = fc.oneof(
    fc.constantFrom('ts', 'values', '__proto__', 'constructor', 'vehicleCount'),
    fc.string(),
  );
  const leaf = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 70 }),
    fc.boolean(),
    fc.constant(null),
  );
  const values = fc.dictionary(key, fc.oneof(fc.double({ noNaN: true }), leaf), { maxKeys: 4 });
  const payload = fc.oneof(
    fc.record({ ts: leaf, values }),
    fc.record({ ts: leaf, values }, { requiredKeys: [] }),
    fc.dictionary(key, fc.oneof(leaf, values), { maxKeys: 3 }),
    fc.array(leaf),
    leaf,
  );

  it('accepts only what the zod schema accepts, with the same data', () => {
    fc.assert(
      fc.property(payload, (value) => {
        // As a message would arrive: through JSON, so own "__proto__" keys are data.
        const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
        const plain = plainReadingPayload(json);
        const zod = readingPayloadSchema.safeParse(json);
        if (plain) expect(zod).toEqual({ success: true, data: plain });
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts the common reading without zod', () => {
    expect(plainReadingPayload(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it('leaves a "__proto__" field to zod, which drops it, and the reading is then an empty one', () => {
    const payload = `{"ts":${NOW},"values":{"__proto__":1}}`;
    expect(plainReadingPayload(JSON.parse(payload))).toBeUndefined();
    expect(reasonOf(SUBJECT, bytes(payload))).toBe('schema');
  });
});
