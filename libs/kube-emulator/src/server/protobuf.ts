/**
 * Decoding of the Kubernetes protobuf wire format for the request bodies real clients send that
 * way: client-go typed clients (helm's release storage, `kubectl create namespace|configmap|secret`)
 * write Secrets, ConfigMaps, Namespaces and DeleteOptions as `application/vnd.kubernetes.protobuf`. Responses are always JSON, which those
 * clients accept as well.
 */
import { Root, type Type } from 'protobufjs';
import { ApiError } from '../model/api-error';
import { isObject, type JsonObject } from '../model/json';

/** Every protobuf-encoded object starts with this magic, then a runtime.Unknown envelope. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface FieldDescriptor {
  type: string;
  id: number;
  rule?: 'repeated';
  keyType?: string;
}

const scalar = (type: string, id: number): FieldDescriptor => ({ type, id });
const string = (id: number): FieldDescriptor => scalar('string', id);
const message = (type: string, id: number): FieldDescriptor => ({ type, id });
const repeated = (type: string, id: number): FieldDescriptor => ({ type, id, rule: 'repeated' });
const map = (type: string, id: number): FieldDescriptor => ({ keyType: 'string', type, id });

/** Field numbers from k8s.io/apimachinery and k8s.io/api generated.proto. */
const SCHEMA = Root.fromJSON({
  nested: {
    Unknown: {
      fields: {
        typeMeta: message('TypeMeta', 1),
        raw: scalar('bytes', 2),
        contentEncoding: string(3),
        contentType: string(4),
      },
    },
    TypeMeta: { fields: { apiVersion: string(1), kind: string(2) } },
    Time: { fields: { seconds: scalar('int64', 1), nanos: scalar('int32', 2) } },
    FieldsV1: { fields: { Raw: scalar('bytes', 1) } },
    OwnerReference: {
      fields: {
        kind: string(1),
        name: string(3),
        uid: string(4),
        apiVersion: string(5),
        controller: scalar('bool', 6),
        blockOwnerDeletion: scalar('bool', 7),
      },
    },
    ManagedFieldsEntry: {
      fields: {
        manager: string(1),
        operation: string(2),
        apiVersion: string(3),
        time: message('Time', 4),
        fieldsType: string(6),
        fieldsV1: message('FieldsV1', 7),
        subresource: string(8),
      },
    },
    ObjectMeta: {
      fields: {
        name: string(1),
        generateName: string(2),
        namespace: string(3),
        selfLink: string(4),
        uid: string(5),
        resourceVersion: string(6),
        generation: scalar('int64', 7),
        creationTimestamp: message('Time', 8),
        deletionTimestamp: message('Time', 9),
        deletionGracePeriodSeconds: scalar('int64', 10),
        labels: map('string', 11),
        annotations: map('string', 12),
        ownerReferences: repeated('OwnerReference', 13),
        finalizers: repeated('string', 14),
        managedFields: repeated('ManagedFieldsEntry', 17),
      },
    },
    Secret: {
      fields: {
        metadata: message('ObjectMeta', 1),
        data: map('bytes', 2),
        type: string(3),
        stringData: map('string', 4),
        immutable: scalar('bool', 5),
      },
    },
    ConfigMap: {
      fields: {
        metadata: message('ObjectMeta', 1),
        data: map('string', 2),
        binaryData: map('bytes', 3),
        immutable: scalar('bool', 4),
      },
    },
    NamespaceSpec: { fields: { finalizers: repeated('string', 1) } },
    NamespaceStatus: { fields: { phase: string(1) } },
    Namespace: {
      fields: {
        metadata: message('ObjectMeta', 1),
        spec: message('NamespaceSpec', 2),
        status: message('NamespaceStatus', 3),
      },
    },
    Preconditions: { fields: { uid: string(1), resourceVersion: string(2) } },
    DeleteOptions: {
      fields: {
        gracePeriodSeconds: scalar('int64', 1),
        preconditions: message('Preconditions', 2),
        orphanDependents: scalar('bool', 3),
        propagationPolicy: string(4),
        dryRun: repeated('string', 5),
      },
    },
  },
});

const DECODABLE_KINDS = new Set(['Secret', 'ConfigMap', 'Namespace', 'DeleteOptions']);

function lookup(name: string): Type {
  return SCHEMA.lookupType(name);
}

/** Turns protobuf shapes (Time, FieldsV1) into their JSON forms, recursively. */
function toJsonShape(value: unknown, field = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toJsonShape(item, field));
  if (!isObject(value)) return value;
  if (field.endsWith('Timestamp') || field === 'time') {
    const seconds = Number(value.seconds ?? 0);
    return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (field === 'fieldsV1') {
    const raw = typeof value.Raw === 'string' ? Buffer.from(value.Raw, 'base64').toString('utf8') : '{}';
    return JSON.parse(raw) as unknown;
  }
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) result[key] = toJsonShape(item, key);
  return result;
}

export function decodeProtobufObject(body: Buffer): JsonObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw ApiError.badRequest('protobuf body without the k8s\\0 envelope');
  }
  let envelope: JsonObject;
  let kind = '';
  try {
    const unknown = lookup('Unknown');
    envelope = unknown.toObject(unknown.decode(body.subarray(MAGIC.length)), { bytes: Buffer }) as JsonObject;
    const typeMeta = isObject(envelope.typeMeta) ? envelope.typeMeta : {};
    kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
    if (!DECODABLE_KINDS.has(kind)) {
      throw ApiError.unsupportedMediaType(
        `application/vnd.kubernetes.protobuf for kind "${kind}" (the emulator decodes protobuf only for Secret, ConfigMap, Namespace and DeleteOptions; send JSON)`,
      );
    }
    const type = lookup(kind);
    const raw = Buffer.isBuffer(envelope.raw) ? envelope.raw : Buffer.alloc(0);
    const object = type.toObject(type.decode(raw), {
      longs: Number,
      bytes: String,
      defaults: false,
    }) as JsonObject;
    return { apiVersion: typeMeta.apiVersion, kind, ...(toJsonShape(object) as JsonObject) };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.badRequest(`the protobuf body could not be decoded: ${(error as Error).message}`);
  }
}
