import { MAX_TELEMETRY_PAYLOAD_BYTES, parseTimestamp } from '@polis/contracts';

export interface ReadingPayload {
  ts: number;
  values: Record<string, number>;
}

export type ReadingParse = { ok: true; reading: ReadingPayload } | { ok: false; detail: string };

const decoder = new TextDecoder();

/**
 * The body of a telemetry message as the runtime needs it: `{ts, values}` with a valid timestamp and finite
 * numbers. Range and sensor-kind checks are the ingest path's job; a bad value here only skips a window.
 */
export function parseReading(payload: Uint8Array): ReadingParse {
  if (payload.byteLength > MAX_TELEMETRY_PAYLOAD_BYTES) return { ok: false, detail: 'oversized payload' };
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(payload));
  } catch {
    return { ok: false, detail: 'payload is not JSON' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, detail: 'payload is not an object' };
  const { ts, values } = body as { ts?: unknown; values?: unknown };
  const ms = typeof ts === 'number' || typeof ts === 'string' ? parseTimestamp(ts) : undefined;
  if (ms === undefined) return { ok: false, detail: 'ts is not epoch ms or RFC 3339' };
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    return { ok: false, detail: 'values is not an object' };
  }
  const checked: Record<string, number> = {};
  const fields = values as Record<string, unknown>;
  // Object.keys, not Object.entries: this runs for every reading, and the pair arrays are measurable.
  for (const field of Object.keys(fields)) {
    const value = fields[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { ok: false, detail: `values.${field} is not a finite number` };
    }
    checked[field] = value;
  }
  return { ok: true, reading: { ts: ms, values: checked } };
}
