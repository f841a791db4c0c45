import { Writer } from 'protobufjs';
import { OnnxGraphBuilder } from '@polis/onnx';

/** Metadata that passes the contract and declares no ports, so any graph is consistent with it. */
export const PLAIN_METADATA = {
  task: 'regression',
  description: 'test model',
  siteKinds: ['central'],
  telemetry: [],
  resources: { cpuMillicores: 10, memoryMiB: 8 },
  latencySloMs: 100,
};

/** y = Relu(x·W), x float32 [batch, inputs]. */
export function reluModel(
  options: { inputs?: number; outputs?: number; opset?: number; seed?: number } = {},
) {
  const inputs = options.inputs ?? 3;
  const outputs = options.outputs ?? 2;
  const b = new OnnxGraphBuilder('relu');
  const x = b.input('x', 'float32', ['batch', inputs]);
  const weights = Float32Array.from(
    { length: inputs * outputs },
    (_, i) => ((i * 7 + (options.seed ?? 0)) % 11) / 10,
  );
  const w = b.initializer('w', weights, [inputs, outputs]);
  const y = b.op('MatMul', [x, w]);
  b.op('Relu', [y], undefined, 'y');
  b.output('y', 'float32', ['batch', outputs]);
  return b.build({ opset: options.opset });
}

export function emptyGraphModel(): Uint8Array {
  const b = new OnnxGraphBuilder('empty');
  b.input('x', 'float32', [1, 3]);
  b.output('x', 'float32', [1, 3]);
  return b.build();
}

export function customOperatorModel(): Uint8Array {
  const b = new OnnxGraphBuilder('custom');
  const x = b.input('x', 'float32', ['batch', 3]);
  b.op('FancyActivation', [x], undefined, 'y');
  b.output('y', 'float32', ['batch', 3]);
  return b.build();
}

export function zeroDimensionModel(): Uint8Array {
  const b = new OnnxGraphBuilder('zero-dim');
  const x = b.input('x', 'float32', [0, 3]);
  b.op('Relu', [x], undefined, 'y');
  b.output('y', 'float32', [0, 3]);
  return b.build();
}

/** Passes inspection, but Add binds T to float32 and int64 at once: onnxruntime refuses to load it. */
export function typeConflictModel(): Uint8Array {
  const b = new OnnxGraphBuilder('type-conflict');
  const x = b.input('x', 'float32', ['batch', 2]);
  const c = b.initializer('c', BigInt64Array.of(1n, 2n), [2]);
  b.op('Add', [x, c], undefined, 'y');
  b.output('y', 'float32', ['batch', 2]);
  return b.build();
}

/** Loads fine; reshaping [1, 3] to [4] fails at run time, so inference on zeros fails. */
export function reshapeFailsModel(): Uint8Array {
  const b = new OnnxGraphBuilder('reshape-fails');
  const x = b.input('x', 'float32', ['batch', 3]);
  const shape = b.initializer('shape', BigInt64Array.of(4n), [1]);
  b.op('Reshape', [x, shape], undefined, 'y');
  b.output('y', 'float32', [4]);
  return b.build();
}

/** A valid model of about `megabytes` MiB (one large initializer), to exercise chunked storage. */
export function largeModel(megabytes: number): Uint8Array {
  const columns = 64;
  const rows = Math.round((megabytes * 1024 * 1024) / 4 / columns);
  const b = new OnnxGraphBuilder('large');
  const x = b.input('x', 'float32', ['batch', rows]);
  const weights = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i));
  const w = b.initializer('w', weights, [rows, columns]);
  b.op('MatMul', [x, w], undefined, 'y');
  b.output('y', 'float32', ['batch', columns]);
  return b.build();
}

const LEN = 2; // protobuf wire type: length-delimited
const VARINT = 0;
const tag = (w: Writer, field: number, wire: number) => w.uint32((field << 3) | wire);

function tensorType(w: Writer, dims: number[]): void {
  tag(w, 2, LEN).fork(); // ValueInfoProto.type
  tag(w, 1, LEN).fork(); // TypeProto.tensor_type
  tag(w, 1, VARINT).int32(1); // elem_type FLOAT
  tag(w, 2, LEN).fork(); // shape
  for (const d of dims)
    tag(w, 1, LEN)
      .fork()
      .uint32((1 << 3) | VARINT)
      .int64(d)
      .ldelim();
  w.ldelim().ldelim().ldelim();
}

/**
 * x·W where W lives in "weights.bin" beside the model (TensorProto.data_location = EXTERNAL). Written field by
 * field, because the graph builder only writes self-contained models.
 */
export function externalDataModel(): Uint8Array {
  const w = Writer.create();
  tag(w, 1, VARINT).int64(8); // ir_version
  tag(w, 8, LEN).fork(); // opset_import
  tag(w, 2, VARINT).int64(17);
  w.ldelim();
  tag(w, 7, LEN).fork(); // graph
  tag(w, 1, LEN).fork(); // node
  tag(w, 1, LEN).string('x');
  tag(w, 1, LEN).string('w');
  tag(w, 2, LEN).string('y');
  tag(w, 4, LEN).string('MatMul');
  w.ldelim();
  tag(w, 2, LEN).string('external'); // graph name
  tag(w, 5, LEN).fork(); // initializer
  tag(w, 1, VARINT).int64(3);
  tag(w, 1, VARINT).int64(2);
  tag(w, 2, VARINT).int32(1); // data_type FLOAT
  tag(w, 8, LEN).string('w');
  tag(w, 13, LEN).fork();
  tag(w, 1, LEN).string('location');
  tag(w, 2, LEN).string('weights.bin');
  w.ldelim();
  tag(w, 14, VARINT).int32(1); // data_location EXTERNAL
  w.ldelim();
  tag(w, 11, LEN).fork(); // input
  tag(w, 1, LEN).string('x');
  tensorType(w, [1, 3]);
  w.ldelim();
  tag(w, 12, LEN).fork(); // output
  tag(w, 1, LEN).string('y');
  tensorType(w, [1, 2]);
  w.ldelim();
  w.ldelim();
  return w.finish();
}
