import fc from 'fast-check';
import { BinaryHeap } from './binary-heap';

describe('BinaryHeap', () => {
  it('pops pushed items in comparator order, also when seeded with a sorted array', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.integer()), (seed, pushed) => {
        const heap = new BinaryHeap<number>(
          (a, b) => a - b,
          [...seed].sort((a, b) => a - b),
        );
        pushed.forEach((n) => heap.push(n));
        const popped: number[] = [];
        for (let n = heap.pop(); n !== undefined; n = heap.pop()) popped.push(n);
        expect(popped).toEqual([...seed, ...pushed].sort((a, b) => a - b));
        expect(heap.size).toBe(0);
      }),
    );
  });
});
