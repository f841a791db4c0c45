import { z } from 'zod';
import type { SensorKind } from './sensor-kinds';
import { parseTelemetrySubject, type SubjectParseResult, type TelemetryAddress } from './subjects';

export const MAX_TELEMETRY_PAYLOAD_BYTES = 64 * 1024;
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export const DEAD_LETTER_REASONS = [
  'oversized',
  'bad-subject',
  'malformed-json',
  'schema',
  'unknown-kind',
  'non-finite',
  'out-of-range',
  'future-timestamp',
  'expired-timestamp',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** A reading that passed every check: what is stored and streamed. */
export interface TelemetryReading extends TelemetryAddress {
  ts: number;
  values: Record<string, number>;
}

export type ValidationResult =
  | { ok: true; reading: TelemetryReading }
  | { ok: false; reason: DeadLetterReason; detail: string };

export type ValidationFailure = Extract<ValidationResult, { ok: false }>;

export interface ValidationContext {
  subjectPrefix: string;
  now: number;
  retentionMs: number;
  kindOf: (name: string) => SensorKind | undefined;
  /** parseTelemetrySubject for this prefix, possibly memoised by the caller (subjects repeat per sensor). */
  parseSubject?: (subject: string) => SubjectParseResult;
}

// ignoreBOM keeps a byte-order mark in the text, as Buffer#toString does, so JSON.parse still refuses it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

// Numbers are checked for finiteness separately so that 1e999 (parsed as Infinity) gets its own reason.
export const readingPayloadSchema = z
  .object({
    ts: z.union([z.number(), z.string().min(1).max(64)]),
    values: z.record(z.string(), z.number()),
  })
  .strict();

type ReadingPayload = z.infer<typeof readingPayloadSchema>;

/**
 * The common case without zod: a plain object with exactly `ts` (number, or a string of 1–64 characters)
 * and `values` (a plain object of numbers). Sound, not complete: whatever it does not accept goes through
 * `readingPayloadSchema`, which decides and words the error. zod costs about a tenth of the ingest CPU otherwise.
 */
export function plainReadingPayload(json: unknown): ReadingPayload | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  let keys = 0;
  for (const key in json) {
    if (key !== 'ts' && key !== 'values') return undefined;
    keys++;
  }
  if (keys !== 2) return undefined;
  const { ts, values } = json as { ts: unknown; values: unknown };
  if (typeof ts !== 'number' && (typeof ts !== 'string' || ts.length < 1 || ts.length > 64)) return undefined;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  if (Object.getPrototypeOf(values) !== Object.prototype) return undefined;
  for (const key in values) {
    if (key === '__proto__' || typeof (values as Record<string, unknown>)[key] !== 'number') return undefined;
  }
  return json as ReadingPayload;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function fail(reason: DeadLetterReason, detail: string): ValidationResult {
  return { ok: false, reason, detail };
}

export function parseTimestamp(ts: number | string): number | undefined {
  if (typeof ts === 'number') return Number.isSafeInteger(ts) && ts >= 0 ? ts : undefined;
  if (!RFC3339.test(ts)) return undefined;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms : undefined;
}

function checkValues(kind: SensorKind, values: Record<string, number>): ValidationResult | undefined {
  let fields = 0;
  for (const field in values) {
    fields++;
    const value = values[field];
    const spec = Object.hasOwn(kind.fields, field) ? kind.fields[field] : undefined;
    if (!spec) return fail('schema', `values.${field} is not a field of sensor kind "${kind.name}"`);
    if (spec.integer && !Number.isInteger(value)) return fail('schema', `values.${field} must be an integer`);
    if (spec.min !== undefined && value < spec.min) {
      return fail('out-of-range', `values.${field}=${value} is below ${spec.min} ${spec.unit}`);
    }
    if (spec.max !== undefined && value > spec.max) {
      return fail('out-of-range', `values.${field}=${value} is above ${spec.max} ${spec.unit}`);
    }
  }
  return fields === 0 ? fail('schema', 'values must hold at least one field') : undefined;
}

/** Pure validation of one telemetry message; the order of checks fixes which reason a message gets. */
export function validateTelemetry(
  subject: string,
  payload: Uint8Array,
  ctx: ValidationContext,
): ValidationResult {
  if (payload.byteLength > MAX_TELEMETRY_PAYLOAD_BYTES) {
    return fail('oversized', `payload is ${payload.byteLength} bytes, limit ${MAX_TELEMETRY_PAYLOAD_BYTES}`);
  }
  const address = ctx.parseSubject
    ? ctx.parseSubject(subject)
    : parseTelemetrySubject(ctx.subjectPrefix, subject);
  if (!address.ok) return fail('bad-subject', address.detail);

  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch (error) {
    return fail('malformed-json', (error as Error).message);
  }
  const plain = plainReadingPayload(json);
  const parsed = plain ? { success: true as const, data: plain } : readingPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      'schema',
      issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid payload',
    );
  }
  const kind = ctx.kindOf(address.address.sensorKind);
  if (!kind) return fail('unknown-kind', `sensor kind "${address.address.sensorKind}" is not registered`);

  for (const field in parsed.data.values) {
    if (!Number.isFinite(parsed.data.values[field]))
      return fail('non-finite', `values.${field} is not a finite number`);
  }

  const ts = parseTimestamp(parsed.data.ts);
  if (ts === undefined) return fail('schema', 'ts must be epoch milliseconds or an RFC 3339 string');
  if (ts > ctx.now + MAX_FUTURE_SKEW_MS)
    return fail('future-timestamp', `ts is ${ts - ctx.now} ms in the future`);
  if (ts < ctx.now - ctx.retentionMs)
    return fail('expired-timestamp', 'ts is older than the retention period');

  const valueError = checkValues(kind, parsed.data.values);
  if (valueError) return valueError;
  const { siteId, sensorKind, sensorId } = address.address;
  return { ok: true, reading: { siteId, sensorKind, sensorId, ts, values: parsed.data.values } };
}
