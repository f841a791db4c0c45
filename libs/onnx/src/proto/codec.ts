import { Reader } from 'protobufjs';
import { OnnxModelError } from '../errors';
import { MODEL_PROTO_TOP_LEVEL_FIELDS, ModelProtoType } from './onnx-schema';
import type { Model } from './onnx-types';

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
/** IR versions defined so far are 1..11; anything wildly beyond that is not a model header. */
const MAX_PLAUSIBLE_IR_VERSION = 64;

export function encodeModel(model: Model): Uint8Array {
  const message = ModelProtoType.fromObject(model);
  return ModelProtoType.encode(message).finish();
}

type ScanResult = { kind: 'ok' } | { kind: 'truncated'; at: number } | { kind: 'foreign'; detail: string };

/**
 * Walks the top-level fields of a ModelProto without decoding them. A valid header followed by a field whose
 * length runs past the end is a truncated file; a field ModelProto does not define means the bytes are
 * something else. A generic protobuf decode cannot tell these apart: it just reports "index out of range".
 */
function scanTopLevel(bytes: Uint8Array): ScanResult {
  const reader = Reader.create(bytes);
  let sawIrVersion = false;
  while (reader.pos < reader.len) {
    const start = reader.pos;
    let tag: number;
    try {
      tag = reader.uint32();
    } catch {
      if (sawIrVersion) return { kind: 'truncated', at: start };
      return { kind: 'foreign', detail: 'unreadable field tag' };
    }
    const field = tag >>> 3;
    const wire = tag & 7;
    const expected = MODEL_PROTO_TOP_LEVEL_FIELDS.get(field);
    if (expected === undefined || expected !== wire) {
      return {
        kind: 'foreign',
        detail: `field ${field} (wire type ${wire}) at byte ${start} is not a ModelProto field`,
      };
    }
    if (start === 0 && field !== 1) {
      // Every exporter writes ir_version first; without it the bytes are not a model we can trust.
      return { kind: 'foreign', detail: 'the file does not start with ir_version' };
    }
    const step = skipValue(reader, wire, bytes.length);
    if (step === 'past-end') {
      if (sawIrVersion) return { kind: 'truncated', at: start };
      return { kind: 'foreign', detail: 'the first field runs past the end of the file' };
    }
    if (field === 1) {
      if (step < 1 || step > MAX_PLAUSIBLE_IR_VERSION)
        return { kind: 'foreign', detail: `ir_version ${step}` };
      sawIrVersion = true;
    }
  }
  return sawIrVersion ? { kind: 'ok' } : { kind: 'foreign', detail: 'no ir_version' };
}

/** Advances past one value; returns the varint value for varints (to check ir_version) or 'past-end'. */
function skipValue(reader: Reader, wire: number, total: number): number | 'past-end' {
  try {
    switch (wire) {
      case WIRE_VARINT: {
        const value = reader.uint64();
        return typeof value === 'number' ? value : value.high * 2 ** 32 + (value.low >>> 0);
      }
      case WIRE_LEN: {
        const length = reader.uint32();
        if (reader.pos + length > total) return 'past-end';
        reader.pos += length;
        return length;
      }
      case WIRE_I64:
      case WIRE_I32:
        reader.skipType(wire);
        return 0;
      default:
        return 'past-end';
    }
  } catch {
    return 'past-end';
  }
}

/** Decodes a ModelProto, mapping every failure to a typed OnnxModelError. */
export function decodeModel(bytes: Uint8Array): Model {
  if (bytes.byteLength === 0) throw new OnnxModelError('not-onnx', 'the file is empty');
  const scan = scanTopLevel(bytes);
  if (scan.kind === 'truncated') {
    throw new OnnxModelError(
      'truncated',
      `the model is truncated: the field starting at byte ${scan.at} runs past the end of the ${bytes.byteLength}-byte file`,
    );
  }
  if (scan.kind === 'foreign') throw new OnnxModelError('not-onnx', `not an ONNX model: ${scan.detail}`);
  try {
    const message = ModelProtoType.decode(bytes);
    return ModelProtoType.toObject(message, { longs: Number, enums: Number, arrays: true }) as Model;
  } catch (error) {
    throw new OnnxModelError('not-onnx', `not an ONNX model: ${(error as Error).message}`);
  }
}
