import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  nanos,
  StorageType,
} from 'nats';
import {
  type IngestLease,
  ingestLeaseSchema,
  INGEST_CONSUMER_BASE,
  type LeaseObservation,
} from './ingest-lease';

/** Far longer than a write takes: with one reader per consumer, a redelivery to itself only costs a rewrite. */
const ACK_WAIT_MS = 30_000;
const LEASE_KEY = 'telemetry';

function isWrongSequence(error: unknown): boolean {
  const e = error as { api_error?: { err_code?: number }; message?: string };
  return e.api_error?.err_code === 10071 || /wrong last sequence/i.test(e.message ?? '');
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: string; api_error?: { err_code?: number } };
  return e.code === '404' || e.api_error?.err_code === 10014;
}

/** The lease record in a JetStream KV bucket; every write is a compare-and-set on the key's revision. */
export class IngestLeaseStore {
  private constructor(private readonly kv: KV) {}

  static async open(js: JetStreamClient, prefix: string): Promise<IngestLeaseStore> {
    return new IngestLeaseStore(
      await js.views.kv(`${prefix}_ingest_leases`, { history: 1, storage: StorageType.File }),
    );
  }

  async read(): Promise<LeaseObservation | undefined> {
    const entry = await this.kv.get(LEASE_KEY);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const parsed = ingestLeaseSchema.safeParse(JSON.parse(entry.string() || 'null'));
    return { revision: entry.revision, lease: parsed.success ? parsed.data : undefined };
  }

  /** Writes `lease` if the key is still as `seen` showed it; the new revision, or undefined if another won. */
  async write(seen: LeaseObservation | undefined, lease: IngestLease): Promise<number | undefined> {
    const value = Buffer.from(JSON.stringify(lease));
    try {
      return seen
        ? await this.kv.update(LEASE_KEY, value, seen.revision)
        : await this.kv.create(LEASE_KEY, value);
    } catch (error) {
      if (isWrongSequence(error) || /exists/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }
}

/**
 * The consumers of ingest ownership on the telemetry stream: one per lease epoch, acknowledged cumulatively
 * (AckPolicy.All) by its only reader. A new owner starts above the floor below which everything is stored.
 */
export class IngestConsumers {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly maxAckPending: number,
  ) {}

  /**
   * Every message at or below the returned sequence is stored. The ack floor of the lease's consumer is that
   * (acks are only sent for stored messages), and never below the floor it started from; before the first
   * lease, the ack floor of the explicit-ack consumer of earlier versions. Undefined: start from the beginning.
   */
  async storedFloor(previous: IngestLease | undefined): Promise<number | undefined> {
    const consumer = previous?.consumer ?? INGEST_CONSUMER_BASE;
    try {
      const info = await this.jsm.consumers.info(this.stream, consumer);
      return Math.max(info.ack_floor.stream_seq, previous?.startFloor ?? 0);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return previous?.startFloor;
    }
  }

  /**
   * Creates the lease's consumer above its floor, then removes every other ingest consumer. A consumer of the
   * same name can only be left from a lease bucket that was lost; it is replaced.
   */
  async createFor(lease: IngestLease): Promise<void> {
    await this.remove(lease.consumer);
    await this.jsm.consumers.add(this.stream, {
      durable_name: lease.consumer,
      ack_policy: AckPolicy.All,
      ...(lease.startFloor > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lease.startFloor + 1 }
        : { deliver_policy: DeliverPolicy.All }),
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: this.maxAckPending,
      max_deliver: -1,
    });
    const others: string[] = [];
    for await (const { name } of this.jsm.consumers.list(this.stream)) {
      const ours = name === INGEST_CONSUMER_BASE || name.startsWith(`${INGEST_CONSUMER_BASE}-`);
      if (ours && name !== lease.consumer) others.push(name);
    }
    for (const name of others) await this.remove(name);
  }

  private async remove(name: string): Promise<void> {
    await this.jsm.consumers.delete(this.stream, name).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  async lag(consumer: string): Promise<{ pending: number; ackPending: number; redelivered: number }> {
    const info = await this.jsm.consumers.info(this.stream, consumer);
    return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  }
}
