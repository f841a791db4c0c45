import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';

/** The committed OpenAPI document (what /api/docs serves: test/api/openapi.e2e-spec.ts checks it). */
export const OPENAPI_DOCUMENT = JSON.parse(
  readFileSync(join(__dirname, '../../apps/control-plane/openapi.json'), 'utf8'),
) as OpenAPIV3.Document;

// OpenAPI 3.0 schema objects are JSON Schema draft 4 plus `nullable`, which Ajv understands.
const ajv = new Ajv04({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ id: 'openapi', components: OPENAPI_DOCUMENT.components }, 'openapi');

/**
 * The problems of a real answer against what the document says `method path` answers with `status`
 * (path as in the document, e.g. /api/v1/sites/{id}); an empty list when the body conforms.
 */
export function conformanceProblems(method: string, path: string, status: number, body: unknown): string[] {
  const operation = OPENAPI_DOCUMENT.paths[path]?.[method.toLowerCase() as OpenAPIV3.HttpMethods];
  if (!operation) return [`the document has no ${method} ${path}`];
  const response = operation.responses[String(status)] as OpenAPIV3.ResponseObject | undefined;
  if (!response) return [`the document gives ${method} ${path} no ${status} response`];
  const ref = (response.content?.['application/json']?.schema as OpenAPIV3.ReferenceObject | undefined)?.$ref;
  if (!ref) return [`${method} ${path} ${status} has no JSON schema`];
  const validate = ajv.getSchema(`openapi${ref}`);
  if (!validate) return [`${ref} does not resolve`];
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${ref}${e.instancePath} ${e.message ?? ''}`);
}
