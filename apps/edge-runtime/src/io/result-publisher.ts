import { headers as natsHeaders, type MsgHdrs } from 'nats';

/** What the publisher needs of a NATS connection. */
export interface PublishSink {
  publish(subject: string, payload: Uint8Array, options?: { headers?: MsgHdrs }): void;
}

interface Outgoing {
  subject: string;
  payload: Uint8Array;
  /** `Nats-Msg-Id`: the serving stream refuses a second message with it (one result per window). */
  msgId?: string;
}

/**
 * Publishes results and decisions, holding them in a bounded FIFO while NATS is unreachable (before the first
 * connection, or between a disconnect and the reconnect). When full, the oldest message is dropped and
 * counted: at a site, the newest inference is the one worth delivering.
 */
export class ResultPublisher {
  private readonly buffer: Outgoing[] = [];
  private sink: PublishSink | undefined;
  private online = false;
  dropped = 0;
  published = 0;

  constructor(private readonly capacity: number) {}

  get buffered(): number {
    return this.buffer.length;
  }

  /** The connection is up (again): deliver what waited, oldest first, then publish directly. */
  connected(sink: PublishSink): void {
    this.sink = sink;
    this.online = true;
    const waiting = this.buffer.splice(0);
    for (const message of waiting) this.send(message);
  }

  disconnected(): void {
    this.online = false;
  }

  publish(subject: string, payload: Uint8Array, msgId?: string): void {
    const message = msgId === undefined ? { subject, payload } : { subject, payload, msgId };
    if (this.online) this.send(message);
    else this.hold(message);
  }

  private send(message: Outgoing): void {
    try {
      if (message.msgId === undefined) this.sink?.publish(message.subject, message.payload);
      else {
        const headers = natsHeaders();
        headers.set('Nats-Msg-Id', message.msgId);
        this.sink?.publish(message.subject, message.payload, { headers });
      }
      this.published++;
    } catch {
      // The connection closed under us (publish throws only then): keep the message for the reconnect.
      this.online = false;
      this.hold(message);
    }
  }

  private hold(message: Outgoing): void {
    if (this.capacity === 0) {
      this.dropped++;
      return;
    }
    if (this.buffer.length >= this.capacity) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(message);
  }
}
