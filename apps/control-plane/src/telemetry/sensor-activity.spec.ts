import { SensorActivity } from './sensor-activity';

const loop = { siteId: 'traffic-01', sensorKind: 'traffic-loop', sensorId: 'north' };
const meter = { siteId: 'energy-01', sensorKind: 'energy-meter', sensorId: 'feeder-1' };

describe(SensorActivity.name, () => {
  it('keeps first and last seen per sensor and groups by site', () => {
    const activity = new SensorActivity();
    activity.record(loop, 1_000);
    activity.record(loop, 5_000);
    activity.record(meter, 3_000);
    const [sensor] = activity.sensors(5_000, 'traffic-01');
    expect(sensor).toMatchObject({ messages: 2, firstSeen: new Date(1_000).toISOString() });
    expect(sensor?.lastSeen).toBe(new Date(5_000).toISOString());
    expect(activity.sites(5_000).map((s) => s.siteId)).toEqual(['energy-01', 'traffic-01']);
  });

  it('estimates a steady rate and lets it decay when the sensor stops', () => {
    const activity = new SensorActivity();
    for (let t = 0; t <= 600_000; t += 500) activity.record(loop, t); // 2 msg/s for 10 minutes
    const steady = activity.sensors(600_000)[0].messagesPerSecond;
    expect(steady).toBeGreaterThan(1.9);
    expect(steady).toBeLessThan(2.1);
    const later = activity.sensors(600_000 + 300_000)[0].messagesPerSecond;
    expect(later).toBeLessThan(0.05);
  });

  it('hands each change to persistence once', () => {
    const activity = new SensorActivity();
    activity.record(loop, 1);
    activity.record(loop, 2);
    expect(activity.takeDirty()).toHaveLength(1);
    expect(activity.takeDirty()).toHaveLength(0);
  });
});
