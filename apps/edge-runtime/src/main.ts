/**
 * edge-runtime: serves one ONNX model at a site. Configuration comes from the environment (the ConfigMap
 * rendered by @polis/manifests); see docs/edge-runtime.md.
 */
import pino from 'pino';
import { ConfigError, loadConfig } from './config/config';
import { EdgeRuntime } from './runtime';

// Pod termination grace is 30 s: finish in-flight windows well within it, or exit anyway.
const SHUTDOWN_TIMEOUT_MS = 20_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    pino({ name: 'edge-runtime' }).error(
      { variable: error.variable },
      `invalid configuration: ${error.message}`,
    );
    process.exitCode = 2;
    return;
  }
  const logger = pino({ name: 'edge-runtime', level: config.logLevel });
  const runtime = await EdgeRuntime.start(config, logger);
  logger.info(
    {
      site: config.siteId,
      model: config.modelName,
      version: config.modelVersion,
      http: `${config.http.host}:${runtime.httpPort}`,
      instance: config.instance,
    },
    'edge-runtime started',
  );
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight windows');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    runtime.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  pino({ name: 'edge-runtime' }).fatal({ err: error }, 'edge-runtime failed');
  process.exitCode = 1;
});
