import { z } from 'zod';

/**
 * Who ingests the telemetry stream. Exactly one control-plane instance at a time owns the lease; it reads the
 * stream through its own durable consumer, named in the lease, and acknowledges cumulatively. Every other
 * instance stands by and takes over when the lease is released or is not renewed for a whole TTL.
 */
export const ingestLeaseSchema = z
  .object({
    /** The owning instance, or null once released on a graceful stop. */
    owner: z.string().min(1).nullable(),
    /** Raised by every take-over; names the owner's consumer, so a paused former owner has none left. */
    epoch: z.number().int().min(1),
    consumer: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    /**
     * Every stream message at or below this sequence was stored before the consumer was created: where a new
     * consumer's ack floor starts (JetStream reports 0 for a consumer that has acknowledged nothing yet).
     */
    startFloor: z.number().int().min(0),
  })
  .strict();

export type IngestLease = z.infer<typeof ingestLeaseSchema>;

/** What a stand-by sees of the lease key: absent, unreadable (record undefined) or a lease at a revision. */
export interface LeaseObservation {
  revision: number;
  lease?: IngestLease;
}

export const INGEST_CONSUMER_BASE = 'polis-ingest';

/** The lease a take-over writes: the next epoch, a consumer of its own, the floor it will start above. */
export function nextLease(previous: IngestLease | undefined, owner: string, startFloor: number): IngestLease {
  const epoch = (previous?.epoch ?? 0) + 1;
  return { owner, epoch, consumer: `${INGEST_CONSUMER_BASE}-${epoch}`, startFloor };
}

/**
 * A stand-by's view of the lease, on its own monotonic clock: clocks of different machines are never
 * compared. The lease is free when there is none, it is unreadable or released, or its revision has not moved
 * for `ttlMs` since this instance first saw that revision.
 */
export class LeaseWatch {
  private revision?: number;
  private since = 0;

  constructor(private readonly ttlMs: number) {}

  isFree(seen: LeaseObservation | undefined, now: number): boolean {
    if (!seen || !seen.lease || seen.lease.owner === null) return true;
    if (seen.revision !== this.revision) {
      this.revision = seen.revision;
      this.since = now;
      return false;
    }
    return now - this.since >= this.ttlMs;
  }
}
