/** Reading and decoding request bodies by Content-Type. */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../model/api-error';
import { decodeProtobufObject } from './protobuf';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (!type) throw ApiError.unsupportedMediaType(contentType ?? '<none>');
  return type;
}

export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes)
      throw new ApiError(413, 'RequestEntityTooLarge', `the request body exceeds ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Object keys named "__proto__" are refused: no Kubernetes object has one, and copying or merging such a
 * key with plain assignment would change an object's prototype. The check costs nothing unless the text
 * contains the word at all.
 */
function refuseProtoKeys(key: unknown, value: unknown): unknown {
  if (key === '__proto__') throw ApiError.badRequest('the body must not contain a "__proto__" key');
  return value;
}

function parseJsonText(text: string): unknown {
  return text.includes('__proto__')
    ? (JSON.parse(text, refuseProtoKeys) as unknown)
    : (JSON.parse(text) as unknown);
}

function parseJson(text: string): unknown {
  try {
    return parseJsonText(text);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.badRequest(
      `the body of the request could not be decoded as JSON: ${(error as Error).message}`,
    );
  }
}

function parseYamlDocument(text: string): unknown {
  try {
    return text.includes('__proto__')
      ? (parseYaml(text, refuseProtoKeys) as unknown)
      : (parseYaml(text) as unknown);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.badRequest(
      `the body of the request could not be decoded as YAML: ${(error as Error).message}`,
    );
  }
}

/** Decodes an object body (create, update, delete options). Empty bodies decode to undefined. */
export function decodeObjectBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  if (type === '' || type === 'application/json') return parseJson(text);
  if (type === 'application/yaml') return parseYamlDocument(text);
  throw ApiError.unsupportedMediaType(contentType ?? '<none>');
}

/**
 * Apply configurations are YAML, which JSON is a subset of; client-node and kubectl send JSON.
 * JSON.parse is much faster than a YAML parser, so it goes first and YAML is the fallback.
 */
function parseApplyConfiguration(text: string): unknown {
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') {
    try {
      return parseJsonText(text);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // Not JSON after all (a YAML flow mapping, say): the YAML parser decides.
    }
  }
  return parseYamlDocument(text);
}

export function decodePatchBody(body: Buffer, patchType: PatchType): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw ApiError.badRequest('the patch body is empty');
  return patchType === 'apply' ? parseApplyConfiguration(text) : parseJson(text);
}
