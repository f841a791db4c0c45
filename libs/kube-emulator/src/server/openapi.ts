/**
 * Minimal OpenAPI documents. kubectl and helm fetch them before every apply/install to decide how
 * to validate: the v3 documents declare that each kind's PATCH accepts `fieldValidation`, so the
 * clients leave validation to the server; the v2 document (protobuf, as clients request it) is an
 * empty but well-formed spec so their schema loader succeeds. No request bodies are declared, so
 * `kubectl apply` computes strategic merge patches from its built-in Go types, like with K3s.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../model/json';
import type { ResourceCatalog, ResourceType } from '../model/resources';
import { EMULATED_KUBERNETES_VERSION } from '../model/version';

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

/** gnostic openapi_v2.Document { swagger = 1; info = 2 { title = 1; version = 2 } }. */
export function openApiV2Protobuf(): Buffer {
  const info = Buffer.concat([
    lengthDelimited(1, Buffer.from('Kubernetes (Polis kube-emulator)')),
    lengthDelimited(2, Buffer.from(EMULATED_KUBERNETES_VERSION)),
  ]);
  return Buffer.concat([lengthDelimited(1, Buffer.from('2.0')), lengthDelimited(2, info)]);
}

export function openApiV2Json(): JsonObject {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes (Polis kube-emulator)', version: EMULATED_KUBERNETES_VERSION },
    paths: {},
    definitions: {},
  };
}

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const QUERY_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string' },
}));

function pathItem(type: ResourceType): JsonObject {
  const gvk = { group: type.group, version: type.version, kind: type.kind };
  return {
    patch: {
      operationId: `patch${type.kind}`,
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': gvk,
      parameters: QUERY_PARAMETERS,
      responses: { '200': { description: 'OK' } },
    },
    parameters: QUERY_PARAMETERS,
  };
}

export function openApiV3Document(
  catalog: ResourceCatalog,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = catalog.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const type of types) {
    const prefix = `/${groupVersionPath(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}`;
    paths[`${prefix}/${type.plural}/{name}`] = pathItem(type);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (Polis kube-emulator)', version: EMULATED_KUBERNETES_VERSION },
    paths,
    components: { schemas: {} },
  };
}

export function openApiV3Root(catalog: ResourceCatalog): JsonObject {
  const paths: JsonObject = {};
  for (const [group, versions] of catalog.groups()) {
    for (const version of versions) {
      const path = groupVersionPath(group, version);
      const hash = createHash('sha256')
        .update(JSON.stringify(openApiV3Document(catalog, group, version)))
        .digest('hex')
        .slice(0, 32)
        .toUpperCase();
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
    }
  }
  return { paths };
}

/** Maps `api/v1` or `apis/apps/v1` back to a group and version. */
export function parseOpenApiV3Path(path: string): { group: string; version: string } | undefined {
  const parts = path.split('/');
  if (parts.length === 2 && parts[0] === 'api' && parts[1]) return { group: '', version: parts[1] };
  if (parts.length === 3 && parts[0] === 'apis' && parts[1] && parts[2])
    return { group: parts[1], version: parts[2] };
  return undefined;
}
