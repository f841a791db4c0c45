import { createHash } from 'node:crypto';
import type { DeadLetterReason } from './telemetry';

/** What lands on `<prefix>.deadletter.telemetry`: enough to see what was wrong and to replay it. */
export interface DeadLetter {
  reason: DeadLetterReason;
  detail: string;
  subject: string;
  receivedAt: string;
  payloadBytes: number;
  payloadSha256: string;
  /** utf8 when the payload is valid UTF-8, base64 otherwise. */
  payloadEncoding: 'utf8' | 'base64';
  payload: string;
  /** True when the stored payload is a prefix of the original (only for oversized messages). */
  payloadTruncated: boolean;
}

const KEPT_PAYLOAD_BYTES = 16 * 1024;

export function buildDeadLetter(
  failure: { reason: DeadLetterReason; detail: string },
  subject: string,
  payload: Uint8Array,
  receivedAt: Date,
): DeadLetter {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const kept = bytes.subarray(0, KEPT_PAYLOAD_BYTES);
  const text = kept.toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(kept);
  return {
    reason: failure.reason,
    detail: failure.detail,
    subject,
    receivedAt: receivedAt.toISOString(),
    payloadBytes: bytes.byteLength,
    payloadSha256: createHash('sha256').update(bytes).digest('hex'),
    payloadEncoding: isUtf8 ? 'utf8' : 'base64',
    payload: isUtf8 ? text : kept.toString('base64'),
    payloadTruncated: kept.byteLength < bytes.byteLength,
  };
}
