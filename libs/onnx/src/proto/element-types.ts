/** TensorProto.DataType, by the names onnxruntime-node uses for tensor types where one exists. */
export const ELEMENT_TYPES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  complex64: 14,
  complex128: 15,
  bfloat16: 16,
  float8e4m3fn: 17,
  float8e4m3fnuz: 18,
  float8e5m2: 19,
  float8e5m2fnuz: 20,
  uint4: 21,
  int4: 22,
  float4e2m1: 23,
} as const;

export type ElementType = keyof typeof ELEMENT_TYPES;

/** Storage bits per element; strings have no fixed width and count as one pointer-sized slot. */
const BITS: Record<ElementType, number> = {
  float32: 32,
  uint8: 8,
  int8: 8,
  uint16: 16,
  int16: 16,
  int32: 32,
  int64: 64,
  string: 64,
  bool: 8,
  float16: 16,
  float64: 64,
  uint32: 32,
  uint64: 64,
  complex64: 64,
  complex128: 128,
  bfloat16: 16,
  float8e4m3fn: 8,
  float8e4m3fnuz: 8,
  float8e5m2: 8,
  float8e5m2fnuz: 8,
  uint4: 4,
  int4: 4,
  float4e2m1: 4,
};

const BY_CODE = new Map<number, ElementType>(
  Object.entries(ELEMENT_TYPES).map(([name, code]) => [code, name as ElementType]),
);

export function elementTypeName(code: number | undefined): ElementType | undefined {
  return code === undefined ? undefined : BY_CODE.get(code);
}

export function elementTypeCode(name: ElementType): number {
  return ELEMENT_TYPES[name];
}

export function bytesFor(type: ElementType, elements: number): number {
  return Math.ceil((BITS[type] * elements) / 8);
}
