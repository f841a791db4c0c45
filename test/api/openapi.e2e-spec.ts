/** The OpenAPI document: what /api/docs serves is the committed file, valid OpenAPI 3, every operation described. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { OpenAPIV3 } from 'openapi-types';
import { serializeOpenApiDocument } from '../../apps/control-plane/src/openapi-document';
import { startInProcess } from '../support/control-plane';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState } from '../support/services';

const COMMITTED = join(__dirname, '../../apps/control-plane/openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operations(document: OpenAPIV3.Document): [string, OpenAPIV3.OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item?.[method] ? [[`${method.toUpperCase()} ${path}`, item[method]]] : [])),
  ) as [string, OpenAPIV3.OperationObject][];
}

describe('the OpenAPI document', () => {
  const { prefix, database } = isolation('openapi');
  let nc: NatsConnection;
  let app: INestApplication;
  let served: OpenAPIV3.Document;
  let committed: string;

  beforeAll(async () => {
    nc = await natsConnection();
    let url: string;
    ({ app, url } = await startInProcess({ prefix, influxUrl: `${INFLUX_BASE}/${database}` }));
    served = (await (await fetch(`${url}/api/docs-json`)).json()) as OpenAPIV3.Document;
    committed = await readFile(COMMITTED, 'utf8');
  });

  afterAll(async () => {
    await app?.close();
    await removeNatsState(nc, prefix);
    await nc?.close();
  });

  it('served at /api/docs is the committed apps/control-plane/openapi.json, byte for byte (run `npm run openapi`)', () => {
    expect(serializeOpenApiDocument(served as never)).toBe(committed);
  });

  it('is valid OpenAPI 3 (swagger-parser) and every $ref resolves', async () => {
    const copy = JSON.parse(committed) as OpenAPIV3.Document;
    const api = (await SwaggerParser.validate(copy)) as OpenAPIV3.Document;
    expect(api.openapi).toMatch(/^3\./);
  });

  it('gives every operation a summary and a described success response', () => {
    const ops = operations(served);
    expect(ops.length).toBeGreaterThan(30);
    for (const [name, op] of ops) {
      expect({ name, summary: op.summary?.trim() || undefined }).toEqual({
        name,
        summary: expect.any(String),
      });
      const success = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
      expect({ name, success: success.length > 0 }).toEqual({ name, success: true });
      for (const [status, response] of Object.entries(op.responses))
        expect({ name, status, description: (response as OpenAPIV3.ResponseObject).description }).toEqual({
          name,
          status,
          description: expect.stringMatching(/\S/),
        });
    }
  });

  it('describes the body of every operation that takes one, and the error shape of every error', () => {
    const withBody = operations(served).filter(([name]) => /^(PUT|POST|PATCH) /.test(name));
    const takesNoBody = (name: string) => /\/(rollout\/(pause|resume|rollback))$/.test(name);
    for (const [name, op] of withBody.filter(([name]) => !takesNoBody(name)))
      expect({ name, body: op.requestBody !== undefined }).toEqual({ name, body: true });
    // GET /health answers 503 with its report of every check, not an error.
    for (const [name, op] of operations(served).filter(([name]) => name !== 'GET /health'))
      for (const [status, response] of Object.entries(op.responses))
        if (/^[45]/.test(status))
          expect({
            name,
            status,
            schema: (response as OpenAPIV3.ResponseObject).content?.['application/json'],
          }).toEqual({ name, status, schema: { schema: { $ref: '#/components/schemas/ApiError' } } });
  });
});
