/**
 * Writes the control plane's OpenAPI document to apps/control-plane/openapi.json (`npm run openapi`), or,
 * with --check, fails when the committed file differs from what the code describes (scripts/test.sh).
 * It builds the Nest module graph in preview mode: no provider runs, so no NATS, Redis or InfluxDB is needed.
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../apps/control-plane/src/app.module';
import { configureHttp } from '../apps/control-plane/src/bootstrap';
import { loadConfig } from '../apps/control-plane/src/config';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../apps/control-plane/src/openapi-document';

export const OPENAPI_FILE = join(__dirname, '../apps/control-plane/openapi.json');

export async function generateOpenApiText(): Promise<string> {
  const app = await NestFactory.create(AppModule.forRoot(loadConfig({ LOG_LEVEL: 'silent' })), {
    preview: true,
    logger: false,
  });
  configureHttp(app);
  const text = serializeOpenApiDocument(buildOpenApiDocument(app));
  await app.close();
  return text;
}

async function main(): Promise<void> {
  const text = await generateOpenApiText();
  if (!process.argv.includes('--check')) {
    await writeFile(OPENAPI_FILE, text);
    process.stdout.write(`wrote apps/control-plane/openapi.json\n`);
    return;
  }
  const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => '');
  if (committed !== text) {
    process.stderr.write(
      'apps/control-plane/openapi.json is stale: the API changed. Run `npm run openapi` and commit the file.\n',
    );
    process.exit(1);
  }
  process.stdout.write('apps/control-plane/openapi.json is up to date\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`openapi: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
