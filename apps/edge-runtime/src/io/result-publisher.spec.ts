import type { MsgHdrs } from 'nats';
import { ResultPublisher } from './result-publisher';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function sink() {
  const sent: string[] = [];
  let failing = false;
  return {
    sent,
    fail: (on: boolean) => (failing = on),
    publish: (subject: string, payload: Uint8Array, options?: { headers?: MsgHdrs }) => {
      if (failing) throw new Error('closed');
      const id = options?.headers?.get('Nats-Msg-Id');
      sent.push(`${subject}:${text(payload)}${id ? `#${id}` : ''}`);
    },
  };
}

describe('ResultPublisher', () => {
  it('holds results until the first connection, then delivers them in order', () => {
    const publisher = new ResultPublisher(10);
    publisher.publish('a', bytes('1'));
    publisher.publish('a', bytes('2'));
    const nats = sink();
    publisher.connected(nats);
    publisher.publish('a', bytes('3'));
    expect(nats.sent).toEqual(['a:1', 'a:2', 'a:3']);
    expect(publisher.published).toBe(3);
  });

  it('buffers during an outage, dropping the oldest beyond capacity', () => {
    const publisher = new ResultPublisher(2);
    const nats = sink();
    publisher.connected(nats);
    publisher.disconnected();
    for (const n of ['1', '2', '3']) publisher.publish('r', bytes(n));
    expect(publisher.buffered).toBe(2);
    expect(publisher.dropped).toBe(1);
    publisher.connected(nats);
    expect(nats.sent).toEqual(['r:2', 'r:3']);
  });

  it('keeps a message whose publish throws for the reconnect', () => {
    const publisher = new ResultPublisher(5);
    const nats = sink();
    publisher.connected(nats);
    nats.fail(true);
    publisher.publish('r', bytes('x'));
    expect(publisher.buffered).toBe(1);
    nats.fail(false);
    publisher.connected(nats);
    expect(nats.sent).toEqual(['r:x']);
  });

  it('with capacity 0 drops instead of buffering', () => {
    const publisher = new ResultPublisher(0);
    publisher.publish('r', bytes('x'));
    expect(publisher.dropped).toBe(1);
    expect(publisher.buffered).toBe(0);
  });

  it('sends the message id as Nats-Msg-Id, also for a message held through an outage', () => {
    const publisher = new ResultPublisher(5);
    publisher.publish('r', bytes('held'), 'w-1');
    const nats = sink();
    publisher.connected(nats);
    publisher.publish('r', bytes('live'), 'w-2');
    publisher.publish('r', bytes('plain'));
    expect(nats.sent).toEqual(['r:held#w-1', 'r:live#w-2', 'r:plain']);
  });
});
