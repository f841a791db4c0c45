/** What the publisher needs of a NATS connection. */
export interface PublishSink {
  publish(subject: string, payload: Uint8Array): void;
}

/**
 * Publishes results and decisions, holding them in a bounded FIFO while NATS is unreachable (before the first
 * connection, or between a disconnect and the reconnect). When full, the oldest message is dropped and
 * counted: at a site, the newest inference is the one worth delivering.
 */
export class ResultPublisher {
  private readonly buffer: { subject: string; payload: Uint8Array }[] = [];
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
    for (const message of waiting) this.send(message.subject, message.payload);
  }

  disconnected(): void {
    this.online = false;
  }

  publish(subject: string, payload: Uint8Array): void {
    if (this.online) this.send(subject, payload);
    else this.hold(subject, payload);
  }

  private send(subject: string, payload: Uint8Array): void {
    try {
      this.sink?.publish(subject, payload);
      this.published++;
    } catch {
      // The connection closed under us (publish throws only then): keep the message for the reconnect.
      this.online = false;
      this.hold(subject, payload);
    }
  }

  private hold(subject: string, payload: Uint8Array): void {
    if (this.capacity === 0) {
      this.dropped++;
      return;
    }
    if (this.buffer.length >= this.capacity) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push({ subject, payload });
  }
}
