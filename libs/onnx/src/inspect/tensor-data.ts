import { bytesFor, elementTypeName } from '../proto/element-types';
import { DATA_LOCATION_EXTERNAL, type Tensor } from '../proto/onnx-types';
import type { ExternalDataReference } from './model-insight';

export function isExternal(tensor: Tensor): boolean {
  return tensor.dataLocation === DATA_LOCATION_EXTERNAL || (tensor.externalData?.length ?? 0) > 0;
}

export function externalReference(tensor: Tensor): ExternalDataReference {
  const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const numeric = (key: string): number | undefined => {
    const value = entries.get(key);
    return value === undefined || value === '' ? undefined : Number(value);
  };
  return {
    tensor: tensor.name ?? '',
    location: entries.get('location') ?? '',
    offset: numeric('offset'),
    length: numeric('length'),
  };
}

/** Bytes the tensor occupies once loaded, from its declared dims (independent of how it is serialised). */
export function tensorBytes(tensor: Tensor): number {
  const type = elementTypeName(tensor.dataType);
  const elements = (tensor.dims ?? []).reduce((product, d) => product * d, 1);
  if (!type) return tensor.rawData?.byteLength ?? 0;
  if (type === 'string') {
    return (tensor.stringData ?? []).reduce((sum, s) => sum + s.byteLength, 0);
  }
  return bytesFor(type, elements);
}

/** The integer values of an int64/int32 tensor (shape-carrying constants), or of a bool one as 0/1 (If conditions). */
export function tensorInts(tensor: Tensor): number[] | undefined {
  const type = elementTypeName(tensor.dataType);
  if (type !== 'int64' && type !== 'int32' && type !== 'bool') return undefined;
  const listed = type === 'int64' ? tensor.int64Data : tensor.int32Data;
  if (listed && listed.length > 0) return listed;
  const raw = tensor.rawData;
  if (!raw) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width = type === 'int64' ? 8 : type === 'int32' ? 4 : 1;
  return Array.from({ length: Math.floor(raw.byteLength / width) }, (_, i) => {
    if (width === 8) return Number(view.getBigInt64(i * 8, true));
    return width === 4 ? view.getInt32(i * 4, true) : view.getUint8(i);
  });
}
