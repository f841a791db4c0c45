import type { TelemetryReading } from '@polis/contracts';
import { LiveThrottle } from './live-throttle';

const reading = (sensorId: string, ts: number, siteId = 'traffic-01'): TelemetryReading => ({
  siteId,
  sensorKind: 'traffic-loop',
  sensorId,
  ts,
  values: { vehicleCount: ts },
});

describe(LiveThrottle.name, () => {
  it('keeps only the latest reading per sensor between ticks', () => {
    const throttle = new LiveThrottle({}, 10);
    for (let ts = 1; ts <= 100; ts++) throttle.offer(reading('north', ts));
    const event = throttle.drain();
    expect(event?.readings).toEqual([reading('north', 100)]);
    expect(event?.coalesced).toBe(99);
    expect(throttle.drain()).toBeUndefined();
  });

  it('caps one event and defers the rest to the next tick', () => {
    const throttle = new LiveThrottle({}, 2);
    ['a', 'b', 'c'].forEach((id) => throttle.offer(reading(id, 1)));
    expect(throttle.drain()).toMatchObject({ deferred: 1 });
    expect(throttle.drain()?.readings.map((r) => r.sensorId)).toEqual(['c']);
  });

  it('applies the client filter', () => {
    const throttle = new LiveThrottle({ siteId: 'traffic-02' }, 10);
    throttle.offer(reading('a', 1, 'traffic-01'));
    throttle.offer(reading('b', 1, 'traffic-02'));
    expect(throttle.drain()?.readings.map((r) => r.siteId)).toEqual(['traffic-02']);
  });
});
