import { nextTickAt, simulatedIntervalMs, simulatedTimeAt } from './sim-clock';

describe('compressed clock', () => {
  const clock = { wallStartMs: 1_000_000, simStartMs: 5_000_000, speed: 60 };

  it('starts at the simulated start and runs `speed` times faster', () => {
    expect(simulatedTimeAt(clock, 1_000_000)).toBe(5_000_000);
    expect(simulatedTimeAt(clock, 1_001_000)).toBe(5_060_000);
    expect(simulatedTimeAt({ ...clock, speed: 1 }, 1_002_500)).toBe(5_002_500);
  });

  it('yields integer milliseconds for fractional speeds', () => {
    expect(Number.isInteger(simulatedTimeAt({ ...clock, speed: 0.3 }, 1_000_001))).toBe(true);
  });

  it('scales the counting interval and never makes it zero', () => {
    expect(simulatedIntervalMs(1000, 3600)).toBe(3_600_000);
    expect(simulatedIntervalMs(50, 0.01)).toBe(1);
  });

  it('ticks on the grid from the start, skipping ticks that are already late', () => {
    expect(nextTickAt(1000, 250, 1000)).toBe(1250);
    expect(nextTickAt(1000, 250, 1249)).toBe(1250);
    expect(nextTickAt(1000, 250, 1250)).toBe(1500);
    expect(nextTickAt(1000, 250, 2777)).toBe(3000);
    expect(nextTickAt(1000, 250, 900)).toBe(1250);
  });
});
