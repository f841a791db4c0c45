/**
 * Cumulative acknowledgement (JetStream AckPolicy.All) acks every message up to a stream sequence at once,
 * several times cheaper than acking each message. Acking S is only safe when every message at or below S
 * is finished here: including messages a crashed instance held, which JetStream redelivers later. So the
 * floor only moves over a contiguous run of finished sequences, starting from the consumer's ack floor.
 */
export class AckFloor<M> {
  private next: number;
  private readonly finished = new Map<number, M>();

  constructor(ackedThrough: number) {
    this.next = ackedThrough + 1;
  }

  /** The lowest sequence not yet finished: the floor cannot pass it. */
  get waitingFor(): number {
    return this.next;
  }

  /** Finished messages that wait for a lower sequence before they can be acked. */
  get blocked(): number {
    return this.finished.size;
  }

  finish(seq: number, message: M): void {
    if (seq >= this.next) this.finished.set(seq, message);
  }

  /** The message to ack cumulatively, or undefined when the floor did not move. */
  takeAckable(): M | undefined {
    let last: M | undefined;
    for (
      let message = this.finished.get(this.next);
      message !== undefined;
      message = this.finished.get(this.next)
    ) {
      this.finished.delete(this.next);
      last = message;
      this.next += 1;
    }
    return last;
  }

  /** Sequences the stream no longer has (deleted or aged out) will never be delivered: stop waiting for them. */
  skipThrough(seq: number): void {
    if (seq < this.next) return;
    for (const finished of this.finished.keys()) if (finished <= seq) this.finished.delete(finished);
    this.next = seq + 1;
  }
}
