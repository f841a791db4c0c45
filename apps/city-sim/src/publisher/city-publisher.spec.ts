import {
  BUILTIN_SENSOR_KINDS,
  MAX_FUTURE_SKEW_MS,
  parseTelemetrySubject,
  validateTelemetry,
} from '@polis/contracts';
import pino from 'pino';
import { HOUR_MS, createCity, type City } from '../simulation';
import { CityPublisher, type CityPublisherOptions, type TelemetrySink } from './city-publisher';

const WALL_START = Date.UTC(2025, 0, 13, 7, 0, 0);

interface Published {
  subject: string;
  payload: { ts: number; values: Record<string, number> };
  bytes: Uint8Array;
}

function harness(city: City, overrides: Partial<CityPublisherOptions> = {}, sink?: TelemetrySink) {
  const published: Published[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const recordingSink: TelemetrySink = sink ?? {
    publish: (subject, bytes) =>
      published.push({ subject, bytes, payload: JSON.parse(Buffer.from(bytes).toString('utf8')) }),
  };
  const publisher = new CityPublisher(
    { city, subjectPrefix: 'sim', intervalMs: 1000, speed: 1, summaryIntervalMs: 5000, ...overrides },
    { sink: recordingSink, logger },
  );
  return { publisher, published, logs };
}

describe('CityPublisher', () => {
  beforeEach(() => jest.useFakeTimers({ now: WALL_START }));
  afterEach(() => jest.useRealTimers());

  const quietCity = createCity({ seed: 'pub', intersections: 2, substations: 1, dropoutProbability: 0 });

  it('publishes every sensor once per interval on its contract subject', () => {
    const { publisher, published } = harness(quietCity);
    publisher.start();
    expect(published).toHaveLength(quietCity.sensors.length);
    jest.advanceTimersByTime(3000);
    publisher.stop();
    expect(published).toHaveLength(4 * quietCity.sensors.length);
    const subjects = new Set(published.map((p) => p.subject));
    expect(subjects).toEqual(
      new Set(quietCity.sensors.map((s) => `sim.telemetry.${s.siteId}.${s.kind}.${s.sensorId}`)),
    );
    expect(publisher.stats()).toMatchObject({ ticks: 4, messagesSent: published.length, publishErrors: 0 });
  });

  it('stamps wall-clock time, so even a fast-forwarded city stays within the future-skew limit', () => {
    const { publisher, published } = harness(quietCity, { speed: 100_000 });
    publisher.start();
    jest.advanceTimersByTime(10_000);
    publisher.stop();
    for (const { subject, bytes, payload } of published) {
      const now = Date.now();
      expect(payload.ts).toBeLessThanOrEqual(now + MAX_FUTURE_SKEW_MS);
      const result = validateTelemetry(subject, bytes, {
        subjectPrefix: 'sim',
        now,
        retentionMs: HOUR_MS,
        kindOf: (name) => BUILTIN_SENSOR_KINDS.find((k) => k.name === name),
      });
      expect(result).toMatchObject({ ok: true });
    }
    // 10 s at 100000x is more than 11 simulated days.
    expect(publisher.stats().lastSimulatedMs).toBe(WALL_START + 10_000 * 100_000);
  });

  it('runs the patterns on the simulated clock from the configured start', () => {
    const { publisher } = harness(quietCity, { speed: 3600, simStartMs: Date.UTC(2030, 5, 1) });
    publisher.start();
    jest.advanceTimersByTime(2000);
    publisher.stop();
    expect(publisher.stats().lastSimulatedMs).toBe(Date.UTC(2030, 5, 1) + 2 * HOUR_MS);
  });

  it('stamps the simulated clock in a replay that started in the past, never beyond the wall clock', () => {
    const dayAgo = WALL_START - 24 * HOUR_MS;
    const { publisher, published } = harness(quietCity, {
      speed: 60,
      simStartMs: dayAgo,
      timestamps: 'simulated',
    });
    publisher.start();
    jest.advanceTimersByTime(5000);
    const stamps = [...new Set(published.map((p) => p.payload.ts))];
    expect(stamps).toEqual([0, 1, 2, 3, 4, 5].map((s) => dayAgo + s * 60_000)); // a simulated minute per second
    published.length = 0;
    jest.advanceTimersByTime((24 * HOUR_MS) / 59 + 60_000); // the replay catches up with the wall clock
    publisher.stop();
    const lastTick = published.at(-1)!.payload.ts;
    expect(Date.now() - lastTick).toBeLessThan(1000); // once caught up, readings carry the wall clock
    expect(published.every((p) => p.payload.ts <= Date.now())).toBe(true);
  });

  it('leaves offline sensors out and reports them in the summary', () => {
    const flaky = createCity({ seed: 'pub-flaky', intersections: 4, substations: 2, dropoutProbability: 1 });
    const { publisher, published, logs } = harness(flaky, { speed: 600, summaryIntervalMs: 1000 });
    publisher.start();
    let sawOffline = false;
    for (let i = 0; i < 60; i++) {
      const before = published.length;
      jest.advanceTimersByTime(1000);
      const offline = publisher.stats().offlineSensors;
      sawOffline ||= offline.length > 0;
      const sent = published.slice(before).map((p) => {
        const parsed = parseTelemetrySubject('sim', p.subject);
        return parsed.ok ? `${parsed.address.siteId}/${parsed.address.sensorId}` : 'bad';
      });
      expect(sent.filter((key) => offline.includes(key))).toEqual([]);
      expect(sent.length + offline.length).toBe(flaky.sensors.length);
    }
    publisher.stop();
    expect(sawOffline).toBe(true);
    const summaries = logs.filter((l) => l.msg === 'city-sim summary');
    expect(summaries.length).toBeGreaterThanOrEqual(60);
    expect(summaries.some((s) => (s.sensorsOffline as number) > 0)).toBe(true);
    expect(summaries.at(-1)).toMatchObject({ messagesSent: published.length, sensors: flaky.sensors.length });
    expect(logs.some((l) => l.msg === 'sensor back online')).toBe(true);
  });

  it('stops publishing after stop() and logs a final summary', () => {
    const { publisher, published, logs } = harness(quietCity);
    publisher.start();
    publisher.stop();
    const count = published.length;
    jest.advanceTimersByTime(10_000);
    expect(published).toHaveLength(count);
    expect(publisher.running).toBe(false);
    expect(logs.filter((l) => l.msg === 'city-sim summary')).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('counts failed publishes, logs them and keeps going', () => {
    let calls = 0;
    const failing: TelemetrySink = {
      publish: () => {
        calls++;
        if (calls % 2 === 0) throw new Error('CONNECTION_CLOSED');
      },
    };
    const { publisher, logs } = harness(quietCity, {}, failing);
    publisher.start();
    jest.advanceTimersByTime(1000);
    publisher.stop();
    const stats = publisher.stats();
    expect(stats.publishErrors).toBe(Math.floor(calls / 2));
    expect(stats.messagesSent + stats.publishErrors).toBe(calls);
    expect(logs.filter((l) => l.msg === 'publish failed')).toHaveLength(2);
  });

  it('rejects a second start and bad options', () => {
    const { publisher } = harness(quietCity);
    publisher.start();
    expect(() => publisher.start()).toThrow(/already started/);
    publisher.stop();
    expect(() => harness(quietCity, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => harness(quietCity, { speed: -1 })).toThrow(/speed/);
    expect(() => harness(quietCity, { subjectPrefix: 'polis.>' })).toThrow(/subjectPrefix/);
    expect(() => harness(quietCity, { subjectPrefix: 'site.a' })).not.toThrow();
  });
});
