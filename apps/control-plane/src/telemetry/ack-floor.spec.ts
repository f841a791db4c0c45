import fc from 'fast-check';
import { AckFloor } from './ack-floor';

describe(AckFloor.name, () => {
  it('moves only over a contiguous run of finished sequences', () => {
    const floor = new AckFloor<string>(0);
    floor.finish(1, 'm1');
    floor.finish(3, 'm3');
    expect(floor.takeAckable()).toBe('m1'); // 2 is not finished: 3 must wait
    expect(floor.takeAckable()).toBeUndefined();
    expect(floor.waitingFor).toBe(2);
    floor.finish(2, 'm2');
    expect(floor.takeAckable()).toBe('m3');
  });

  it('never covers messages another (crashed) instance held until they come back', () => {
    const floor = new AckFloor<number>(100); // the consumer had acked through 100
    for (let seq = 4001; seq <= 4010; seq++) floor.finish(seq, seq); // new messages, finished here
    expect(floor.takeAckable()).toBeUndefined(); // 101..4000 are still out there
    for (let seq = 101; seq <= 4000; seq++) floor.finish(seq, seq); // redelivered after ack_wait
    expect(floor.takeAckable()).toBe(4010);
  });

  it('ignores sequences already below the floor and skips ones the stream no longer has', () => {
    const floor = new AckFloor<string>(10);
    floor.finish(9, 'old');
    floor.finish(12, 'm12');
    floor.skipThrough(11);
    expect(floor.takeAckable()).toBe('m12');
    floor.finish(20, 'm20');
    floor.skipThrough(18); // 13..18 aged out of the stream
    expect(floor.takeAckable()).toBeUndefined(); // 19 is still expected
    floor.finish(19, 'm19');
    expect(floor.takeAckable()).toBe('m20');
  });

  it('never acks past an unfinished sequence, whatever the completion order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(Array.from({ length: 40 }, (_, i) => i + 1)), (done) => {
        const floor = new AckFloor<number>(0);
        done.forEach((seq) => floor.finish(seq, seq));
        const acked = floor.takeAckable();
        const finished = new Set(done);
        let contiguous = 0;
        while (finished.has(contiguous + 1)) contiguous += 1;
        expect(acked).toBe(contiguous === 0 ? undefined : contiguous);
      }),
    );
  });
});
