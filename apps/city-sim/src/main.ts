/**
 * city-sim: publishes a simulated city's sensors to NATS under the telemetry contract.
 * Plain Node program: config once at start, one connection, graceful drain on SIGINT/SIGTERM.
 */
import { Events, connect, type NatsConnection } from 'nats';
import pino, { type Logger } from 'pino';
import { ConfigError, parseCommandLine, redactUrl, usage, type CitySimConfig } from './config';
import { CityPublisher } from './publisher/city-publisher';
import { createCity } from './simulation';

// After the first signal we drain; if that hangs (server gone) a second signal or this timeout exits.
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function watchConnection(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    // `data` of status events is a server address or a count, never credentials; still, log only the type.
    if (status.type === Events.Disconnect || status.type === Events.Error)
      logger.warn({ status: status.type }, 'nats status');
    else if (status.type === Events.Reconnect) logger.info({ status: status.type }, 'nats status');
  }
}

async function run(config: CitySimConfig, logger: Logger): Promise<void> {
  const city = createCity({
    seed: config.seed,
    intersections: config.intersections,
    substations: config.substations,
    dropoutProbability: config.dropoutProbability,
  });
  const nats = config.natsUrls.map(redactUrl);
  let nc: NatsConnection;
  try {
    // Once connected, reconnect forever: a NATS restart should pause the city, not end it.
    nc = await connect({ servers: config.natsUrls, name: 'polis-city-sim', maxReconnectAttempts: -1 });
  } catch (error) {
    logger.fatal({ err: error, nats }, 'cannot connect to NATS');
    process.exitCode = 1;
    return;
  }
  logger.info(
    {
      nats,
      subjectPrefix: config.subjectPrefix,
      seed: config.seed,
      intersections: city.intersections.length,
      substations: city.substations.length,
      sensors: city.sensors.length,
      intervalMs: config.intervalMs,
      speed: config.speed,
      dropoutProbability: config.dropoutProbability,
    },
    'city-sim publishing',
  );
  const publisher = new CityPublisher(
    {
      city,
      subjectPrefix: config.subjectPrefix,
      intervalMs: config.intervalMs,
      speed: config.speed,
      simStartMs: config.simStartMs,
      timestamps: config.timestamps,
      summaryIntervalMs: config.summaryIntervalMs,
    },
    { sink: nc, logger },
  );
  watchConnection(nc, logger).catch((error: unknown) => logger.warn({ err: error }, 'status watch ended'));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting without drain');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining NATS');
    publisher.stop();
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'drain timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    nc.drain().catch((error: unknown) => logger.error({ err: error }, 'drain failed'));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  publisher.start();
  const closedWith = await nc.closed();
  publisher.stop();
  process.off('SIGINT', shutdown);
  process.off('SIGTERM', shutdown);
  if (!stopping || closedWith) {
    logger.error({ err: closedWith }, 'NATS connection closed unexpectedly');
    process.exitCode = 1;
    return;
  }
  logger.info('drained, bye');
}

function main(): void {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    pino({ name: 'city-sim' }).error({ variable: error.variable }, `invalid configuration: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(usage());
    return;
  }
  const logger = pino({ name: 'city-sim', level: parsed.config.logLevel });
  run(parsed.config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'city-sim failed');
    process.exitCode = 1;
  });
}

main();
