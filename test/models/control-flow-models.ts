import { OnnxGraphBuilder, attr } from '@polis/onnx';

/**
 * Models with control flow and contrib operators, built with the project's own graph builder. The unit specs
 * check their inspection by hand-computed numbers; the integration specs run them in onnxruntime-node and
 * publish them through the registry.
 */

const WEIGHTS = Float32Array.from({ length: 32 }, (_, i) => (i % 5) / 4 - 0.5);

/**
 * y = flag ? Relu(x·W) : Concat(x, x). x float32 [batch, 4], flag bool scalar, y [batch, 8]. W (4×8) is an
 * initializer of then_branch. then_branch costs 2·4·8 + 8 = 72 FLOPs at batch 1, else_branch 0.
 */
export function ifModel(): Uint8Array {
  const b = new OnnxGraphBuilder('if-model');
  const x = b.input('x', 'float32', ['batch', 4]);
  const flag = b.input('flag', 'bool', []);
  const then = b.subgraph('then_branch');
  const w = then.initializer('w_then', WEIGHTS, [4, 8]);
  then.op('Relu', [then.op('MatMul', [x, w])], undefined, 'y_then');
  then.output('y_then', 'float32', ['batch', 8]);
  const otherwise = b.subgraph('else_branch');
  otherwise.op('Concat', [x, x], { axis: attr.int(1) }, 'y_else');
  otherwise.output('y_else', 'float32', ['batch', 8]);
  b.node('If', [flag], {
    attributes: { then_branch: attr.graph(then), else_branch: attr.graph(otherwise) },
    outputs: ['y'],
  });
  b.output('y', 'float32', ['batch', 8]);
  return b.build();
}

/**
 * A Loop that adds x to an accumulator `trips` times and emits the square of each running sum.
 * x float32 [1, 4]; outputs total [1, 4] and squares [trips, 1, 4]. One iteration costs 4 (Add) + 4 (Mul) FLOPs.
 * With `trips: 'input'` the trip count is a model input `steps` (int64 scalar), known only at run time.
 */
export function loopModel(trips: number | 'input' = 3): Uint8Array {
  const b = new OnnxGraphBuilder('loop-model');
  const x = b.input('x', 'float32', [1, 4]);
  const count =
    trips === 'input'
      ? b.input('steps', 'int64', [])
      : b.initializer('trips', BigInt64Array.of(BigInt(trips)), []);
  const start = b.initializer('start', new Float32Array(4), [1, 4]);
  const body = b.subgraph('body');
  body.input('i', 'int64', []);
  const condIn = body.input('cond_in', 'bool', []);
  const acc = body.input('acc_in', 'float32', [1, 4]);
  body.op('Identity', [condIn], undefined, 'cond_out');
  const sum = body.op('Add', [acc, x], undefined, 'acc_out');
  body.op('Mul', [sum, sum], undefined, 'square');
  body.output('cond_out', 'bool', []);
  body.output('acc_out', 'float32', [1, 4]);
  body.output('square', 'float32', [1, 4]);
  b.node('Loop', [count, '', start], {
    attributes: { body: attr.graph(body) },
    outputs: ['total', 'squares'],
  });
  b.output('total', 'float32', [1, 4]);
  b.output('squares', 'float32', ['trips', 1, 4]);
  return b.build();
}

/** Running sums over the rows of xs float32 [5, 4] with Scan: 5 iterations of one Add (4 FLOPs). */
export function scanModel(): Uint8Array {
  const b = new OnnxGraphBuilder('scan-model');
  const xs = b.input('xs', 'float32', [5, 4]);
  const start = b.initializer('start', new Float32Array(4), [4]);
  const body = b.subgraph('body');
  const acc = body.input('acc_in', 'float32', [4]);
  const row = body.input('row', 'float32', [4]);
  const sum = body.op('Add', [acc, row], undefined, 'acc_out');
  body.op('Identity', [sum], undefined, 'running');
  body.output('acc_out', 'float32', [4]);
  body.output('running', 'float32', [4]);
  b.node('Scan', [start, xs], {
    attributes: { body: attr.graph(body), num_scan_inputs: attr.int(1) },
    outputs: ['total', 'sums'],
  });
  b.output('total', 'float32', [4]);
  b.output('sums', 'float32', [5, 4]);
  return b.build();
}

/**
 * Microsoft contrib operators, as optimised exports contain: y = Gelu(FusedMatMul(x, W, alpha = 0.5)).
 * x float32 [batch, 4], W 4×3, y [batch, 3]: 2·4·3 + 3 = 27 FLOPs at batch 1.
 */
export function contribModel(): Uint8Array {
  const b = new OnnxGraphBuilder('contrib-model');
  const x = b.input('x', 'float32', ['batch', 4]);
  const w = b.initializer('w', WEIGHTS.subarray(0, 12), [4, 3]);
  const [product] = b.node('FusedMatMul', [x, w], {
    domain: 'com.microsoft',
    attributes: { alpha: attr.float(0.5) },
  });
  b.node('Gelu', [product], { domain: 'com.microsoft', outputs: ['y'] });
  b.output('y', 'float32', ['batch', 3]);
  return b.build();
}
