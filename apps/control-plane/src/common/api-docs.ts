import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV3,
  type ResponseConfig,
} from '@asteasolutions/zod-to-openapi';
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type {
  HeadersObject,
  ParameterObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z, type AnyZodObject, type ZodEffects, type ZodTypeAny } from 'zod';
import { apiErrorSchema } from './api-error.schema';

// Adds `.openapi()` to zod's prototype, which the registry uses to name schemas.
extendZodWithOpenApi(z);

/**
 * The OpenAPI document is generated from the zod schemas the API validates with: every body, response and
 * parameter a route declares through these decorators is registered here by name, and becomes one entry of
 * `components.schemas` (see openapi-document.ts). Nothing in the document is written by hand.
 */
const registry = new OpenAPIRegistry();
const registered = new Map<string, ZodTypeAny>();

/**
 * Names a schema: it becomes `components.schemas.<name>`, and any schema that nests it refers to it. Use the
 * returned schema in other API schemas; validation can keep using the original (they parse the same).
 */
export function apiSchema<T extends ZodTypeAny>(name: string, schema: T): T {
  return schema.openapi(name);
}

function refIdOf(schema: ZodTypeAny): string | undefined {
  const metadata = (schema._def as { openapi?: { _internal?: { refId?: string } } }).openapi;
  return metadata?._internal?.refId;
}

/** Registers a named schema once; two different schemas under one name fail at boot. */
function register(schema: ZodTypeAny): { $ref: string } {
  const name = refIdOf(schema);
  if (name === undefined) throw new Error('API schemas must be named with apiSchema(name, schema)');
  const known = registered.get(name);
  if (known === undefined) {
    registered.set(name, schema);
    registry.register(name, schema);
  } else if (known !== schema) {
    throw new Error(`OpenAPI schema name "${name}" is used for two different zod schemas`);
  }
  return { $ref: `#/components/schemas/${name}` };
}

/** Every registered schema as OpenAPI 3.0 components. */
export function apiComponentSchemas(): Record<string, SchemaObject> {
  const { components } = new OpenApiGeneratorV3(registry.definitions).generateComponents();
  return (components?.schemas ?? {}) as Record<string, SchemaObject>;
}

/** A JSON request body, described by the schema the handler parses it with. */
export function ApiJsonBody(schema: ZodTypeAny, description?: string): MethodDecorator {
  return ApiBody({ required: true, description, schema: register(schema) });
}

/** The `ETag` a response carries: the revision that `If-Match` takes back. */
export const REVISION_ETAG_HEADER: HeadersObject = {
  ETag: {
    description: 'the revision of the resource, quoted (e.g. "3"): send it back in If-Match',
    schema: { type: 'string', pattern: '^"[1-9][0-9]*"$' },
  },
};

/** A JSON success response, described by a zod schema of what the handler returns. */
export function ApiJsonResponse(
  status: number,
  schema: ZodTypeAny,
  description: string,
  headers?: HeadersObject,
): MethodDecorator {
  return ApiResponse({ status, description, schema: register(schema), headers });
}

/** A success response without a JSON body (204, 304, a stream). */
export function ApiEmptyResponse(status: number, description: string): MethodDecorator {
  return ApiResponse({ status, description });
}

/** A server-sent event stream (errors before the stream starts are JSON, like everywhere else). */
export function ApiEventStreamResponse(description: string): MethodDecorator {
  return ApiResponse({
    status: 200,
    description,
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  });
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid-input: the request is malformed; `message` names every bad field, `details` lists them',
  403: 'forbidden: the operation is not allowed on this object',
  404: 'not-found: nothing by that name or id',
  409: 'conflict: the object exists, or changed since the revision in If-Match',
  413: 'too large',
  415: 'unsupported media type',
  422: 'unprocessable: the content was read but refused; `error` says why',
  503: 'unavailable: a dependency (named in `details.dependency`) is down, or the feature is not configured',
};

export type ApiErrorStatus = 400 | 403 | 404 | 409 | 413 | 415 | 422 | 503;

const namedApiError = apiSchema('ApiError', apiErrorSchema);

/** The error responses a route can give, each in the one error shape (`ApiError`). */
export function ApiErrors(...statuses: ApiErrorStatus[]): MethodDecorator {
  const ref = register(namedApiError);
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], schema: ref }),
    ),
  );
}

type ObjectSchema = AnyZodObject | ZodEffects<AnyZodObject, unknown, unknown>;

function shapeOf(schema: ObjectSchema): Record<string, ZodTypeAny> {
  let inner: ZodTypeAny = schema;
  while (inner instanceof z.ZodEffects) inner = inner.innerType() as ZodTypeAny;
  return (inner as AnyZodObject).shape as Record<string, ZodTypeAny>;
}

function isDate(schema: ZodTypeAny): boolean {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodEffects)
    inner =
      inner instanceof z.ZodEffects
        ? (inner.innerType() as ZodTypeAny)
        : (inner._def as { innerType: ZodTypeAny }).innerType;
  return inner instanceof z.ZodDate;
}

/**
 * The parameters zod-to-openapi derives from an object schema (name, schema, description). A parameter is
 * a string and never null, so `required` comes from optionality alone: coercing schemas (z.coerce.date()
 * accepts null) would otherwise pass for optional, and dates are documented as RFC 3339 strings.
 */
function parametersOf(location: 'query' | 'path', schema: ObjectSchema): ParameterObject[] {
  const scratch = new OpenAPIRegistry();
  scratch.registerPath({
    method: 'get',
    path: '/scratch',
    request: location === 'query' ? { query: schema } : { params: schema },
    responses: {} as Record<string, ResponseConfig>,
  });
  const document = new OpenApiGeneratorV3(scratch.definitions).generateDocument({
    openapi: '3.0.0',
    info: { title: 'scratch', version: '0' },
  });
  const shape = shapeOf(schema);
  return ((document.paths['/scratch']?.get?.parameters ?? []) as ParameterObject[]).map((parameter) => {
    const field = shape[parameter.name];
    const rest = { ...((parameter.schema ?? {}) as SchemaObject) };
    delete rest.nullable;
    const documented: SchemaObject =
      field && isDate(field) ? { ...rest, type: 'string', format: 'date-time' } : rest;
    return { ...parameter, required: field ? !field.isOptional() : true, schema: documented };
  });
}

/** Query parameters, from the zod schema the route's validation pipe parses the query with. */
export function ApiZodQuery(schema: ObjectSchema): MethodDecorator {
  return applyDecorators(
    ...parametersOf('query', schema).map((p) =>
      ApiQuery({
        name: p.name,
        required: p.required ?? false,
        description: p.description,
        schema: p.schema as SchemaObject,
      }),
    ),
  );
}

/** Path parameters, from the zod schemas the route's validation pipes parse them with. */
export function ApiZodParams(shape: Record<string, ZodTypeAny>): MethodDecorator {
  return applyDecorators(
    ...parametersOf('path', z.object(shape)).map((p) =>
      ApiParam({
        name: p.name,
        required: true,
        description: p.description,
        schema: (p.schema ?? {}) as SchemaObject,
      }),
    ),
  );
}
