import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { apiComponentSchemas } from './common';

/** Objects with their keys sorted, all the way down (arrays keep their order): a stable, diffable file. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/**
 * The control plane's OpenAPI document: operations from the controllers, schemas from the zod schemas the
 * routes validate with (common/api-docs.ts), keys sorted. The same function serves /api/docs and writes the
 * committed apps/control-plane/openapi.json (`npm run openapi`), so the two can be compared byte for byte.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Polis control plane')
      .setDescription(
        'Sensors, models, sites and placement for a city edge fleet. Every error answers with the ApiError ' +
          'shape; a 503 names the dependency that is down in details.dependency.',
      )
      .setVersion('v1')
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...apiComponentSchemas() },
  };
  return sortKeys(document) as OpenAPIObject;
}

/** The document as the committed file holds it. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
