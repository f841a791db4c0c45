import 'reflect-metadata';
import { createControlPlane } from './bootstrap';
import { ConfigError, loadConfig } from './config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createControlPlane(config);
  // Our own handler rather than enableShutdownHooks: drain (flush, ack, close NATS) and exit 0, as orchestrators expect.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal means: stop now
    stopping = true;
    process.stdout.write(`${JSON.stringify({ event: 'stopping', signal })}\n`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await app.listen(config.http.port, config.http.host);
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: await app.getUrl() })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`polis control plane failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
