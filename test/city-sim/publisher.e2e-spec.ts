/**
 * Against the real NATS at 127.0.0.1:4222 (or $NATS_URL). Each test uses its own random subject prefix,
 * so other consumers of `polis.telemetry.>` never see these messages.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  BUILTIN_SENSOR_KINDS,
  parseTelemetrySubject,
  telemetryWildcard,
  validateTelemetry,
  type ValidationResult,
} from '@polis/contracts';
import { connect, type Msg, type NatsConnection } from 'nats';
import pino from 'pino';
import { CityPublisher } from '../../apps/city-sim/src/publisher/city-publisher';
import { createCity } from '../../apps/city-sim/src/simulation';
import { NATS_URL, isolation } from '../support/services';

const ROOT = path.resolve(__dirname, '../..');

const uniquePrefix = (): string => isolation('city-sim').prefix;

function validate(prefix: string, msg: Msg): ValidationResult {
  return validateTelemetry(msg.subject, msg.data, {
    subjectPrefix: prefix,
    now: Date.now(),
    retentionMs: 60 * 60 * 1000,
    kindOf: (name) => BUILTIN_SENSOR_KINDS.find((k) => k.name === name),
  });
}

/** Collects messages on `<prefix>.telemetry.>` until `done` says so or the deadline passes. */
async function collect(
  nc: NatsConnection,
  prefix: string,
  done: (messages: Msg[]) => boolean,
  timeoutMs: number,
): Promise<Msg[]> {
  const messages: Msg[] = [];
  const sub = nc.subscribe(telemetryWildcard(prefix));
  await nc.flush(); // the server knows the subscription before anything is published
  const deadline = setTimeout(() => sub.unsubscribe(), timeoutMs);
  try {
    for await (const msg of sub) {
      messages.push(msg);
      if (done(messages)) break;
    }
  } finally {
    clearTimeout(deadline);
    sub.unsubscribe();
  }
  return messages;
}

describe('city-sim publisher against NATS', () => {
  let subscriber: NatsConnection;

  beforeAll(async () => {
    subscriber = await connect({ servers: NATS_URL, name: 'city-sim-e2e-subscriber' });
  });

  afterAll(async () => {
    await subscriber.drain();
  });

  it('delivers valid readings from every site and stops after drain', async () => {
    const prefix = uniquePrefix();
    const city = createCity({ seed: prefix, intersections: 3, substations: 2, dropoutProbability: 0 });
    const sites = new Set(city.sensors.map((s) => s.siteId));
    const publisherConnection = await connect({ servers: NATS_URL, name: 'city-sim-e2e-publisher' });
    const publisher = new CityPublisher(
      { city, subjectPrefix: prefix, intervalMs: 100, speed: 600, summaryIntervalMs: 1000 },
      { sink: publisherConnection, logger: pino({ level: 'silent' }) },
    );

    const seenSensors = new Set<string>();
    const collecting = collect(
      subscriber,
      prefix,
      (messages) => {
        const last = messages.at(-1);
        if (last) seenSensors.add(last.subject);
        // Every sensor heard at least once and a few rounds in total.
        return seenSensors.size === city.sensors.length && messages.length >= 3 * city.sensors.length;
      },
      15_000,
    );
    publisher.start();
    const messages = await collecting;
    publisher.stop();
    await publisherConnection.drain();

    const sitesHeard = new Set<string>();
    for (const msg of messages) {
      const result = validate(prefix, msg);
      if (!result.ok) throw new Error(`${msg.subject}: ${result.reason} ${result.detail}`);
      sitesHeard.add(result.reading.siteId);
    }
    expect(sitesHeard).toEqual(sites);
    expect(seenSensors.size).toBe(city.sensors.length);

    // Nothing arrives once the publisher is stopped and its connection drained.
    const late = await collect(subscriber, prefix, () => false, 400);
    expect(late).toHaveLength(0);
  });

  it('runs as a program: env config, JSON logs, graceful drain on SIGTERM', async () => {
    const prefix = uniquePrefix();
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/city-sim/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
          NATS_URL,
          POLIS_SUBJECT_PREFIX: prefix,
          CITY_INTERSECTIONS: '2',
          CITY_SUBSTATIONS: '1',
          CITY_INTERVAL_MS: '200',
          CITY_SPEED: '3600',
          CITY_SEED: prefix,
          CITY_DROPOUT_PROBABILITY: '0',
          CITY_SUMMARY_INTERVAL_MS: '500',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    try {
      const messages = await collect(subscriber, prefix, (m) => m.length >= 20, 60_000);
      expect(messages.length).toBeGreaterThanOrEqual(20);
      for (const msg of messages) {
        expect(validate(prefix, msg)).toMatchObject({ ok: true });
        const parsed = parseTelemetrySubject(prefix, msg.subject);
        expect(parsed.ok && ['traffic-01', 'traffic-02', 'energy-01'].includes(parsed.address.siteId)).toBe(
          true,
        );
      }
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    if (code !== 0) throw new Error(`exit ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);

    const logs = stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { msg: string; [key: string]: unknown });
    const messages = logs.map((l) => l.msg);
    expect(messages).toContain('city-sim publishing');
    expect(messages).toContain('city-sim summary');
    expect(messages).toContain('shutting down: draining NATS');
    expect(messages.at(-1)).toBe('drained, bye');
    const finalSummary = logs.filter((l) => l.msg === 'city-sim summary').at(-1);
    expect(finalSummary?.messagesSent).toBeGreaterThanOrEqual(20);
  });
});
