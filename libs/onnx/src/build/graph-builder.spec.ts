import { decodeModel } from '../proto/codec';
import { ATTRIBUTE_TYPE } from '../proto/onnx-types';
import { OnnxGraphBuilder, attr } from './graph-builder';

function tiny(): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder('g');
  b.input('x', 'float32', ['batch', 2]);
  return b;
}

describe('OnnxGraphBuilder', () => {
  it('round-trips typed attributes, including floats that happen to be integers', () => {
    const b = tiny();
    b.op(
      'Gemm',
      ['x', b.initializer('w', new Float32Array(4), [2, 2])],
      {
        alpha: attr.float(1),
        transB: attr.int(1),
        perm: attr.ints([1, 0]),
        scales: attr.floats([0.5, 2]),
        mode: attr.string('linear'),
      },
      'y',
    );
    b.output('y', 'float32', ['batch', 2]);
    const attributes = decodeModel(b.build()).graph!.node![0].attribute!;
    const byName = Object.fromEntries(attributes.map((a) => [a.name, a]));
    expect(byName.alpha).toMatchObject({ type: ATTRIBUTE_TYPE.FLOAT, f: 1 });
    expect(byName.transB).toMatchObject({ type: ATTRIBUTE_TYPE.INT, i: 1 });
    expect(byName.perm).toMatchObject({ type: ATTRIBUTE_TYPE.INTS, ints: [1, 0] });
    expect(byName.scales).toMatchObject({ type: ATTRIBUTE_TYPE.FLOATS, floats: [0.5, 2] });
    expect(Buffer.from(byName.mode!.s).toString()).toBe('linear');
  });

  it('stores initializers as little-endian raw data', () => {
    const b = tiny();
    b.initializer('f', Float32Array.of(1.5, -2), [2]);
    b.initializer('i', BigInt64Array.of(-1n, 2n ** 40n), [2]);
    b.output('x', 'float32', ['batch', 2]);
    const [f, i] = decodeModel(b.build()).graph!.initializer!;
    const fView = Buffer.from(f.rawData!);
    expect([fView.readFloatLE(0), fView.readFloatLE(4)]).toEqual([1.5, -2]);
    const iView = Buffer.from(i.rawData!);
    expect([iView.readBigInt64LE(0), iView.readBigInt64LE(8)]).toEqual([-1n, 2n ** 40n]);
    expect(i.dataType).toBe(7);
  });

  it('rejects names used twice, undefined inputs and outputs, and data that does not fit its dims', () => {
    const b = tiny();
    expect(() => b.input('x', 'float32', [1])).toThrow(/already defined/);
    expect(() => b.op('Relu', ['nope'])).toThrow(/"nope" is not defined/);
    expect(() => b.output('ghost', 'float32', [1])).toThrow(/not produced/);
    expect(() => b.initializer('w', new Float32Array(5), [2, 2])).toThrow(/5 values but dims \[2, 2\]/);
    expect(() => b.op('Relu', ['x'], { alpha: attr.int(0.5) })).toThrow(/must be an integer/);
    expect(() => tiny().build()).toThrow(/no outputs/);
  });

  it('generates distinct output and initializer names', () => {
    const b = tiny();
    const a = b.op('Relu', ['x']);
    const c = b.op('Relu', [a]);
    expect(a).not.toBe(c);
    const taken = b.initializer('w_0', new Float32Array(1), [1]);
    expect(b.uniqueName('w')).not.toBe(taken);
  });

  it('is deterministic: the same graph gives the same bytes', () => {
    const build = (): Uint8Array => {
      const b = tiny();
      b.op('Add', ['x', b.initializer('c', Float32Array.of(1, 2), [2])], undefined, 'y');
      b.output('y', 'float32', ['batch', 2]);
      return b.build({ metadata: { a: '1', b: '2' } });
    };
    expect(Buffer.from(build()).equals(Buffer.from(build()))).toBe(true);
  });

  it('nests subgraphs as graph attributes that read the enclosing values', () => {
    const b = tiny();
    const flag = b.input('flag', 'bool', []);
    const then = b.subgraph('then_branch');
    then.op('Relu', ['x'], undefined, 'a');
    then.output('a', 'float32'); // a subgraph output may leave its shape unknown
    const otherwise = b.subgraph('else_branch');
    otherwise.op('Neg', ['x'], undefined, 'n');
    otherwise.output('n', 'float32', ['batch', 2]);
    b.node('If', [flag], {
      attributes: { then_branch: attr.graph(then), else_branch: attr.graph(otherwise) },
      outputs: ['y'],
    });
    b.output('y', 'float32', ['batch', 2]);
    const node = decodeModel(b.build()).graph!.node![0];
    const branches = Object.fromEntries(node.attribute!.map((a) => [a.name, a]));
    expect(branches.then_branch).toMatchObject({ type: ATTRIBUTE_TYPE.GRAPH, g: { name: 'then_branch' } });
    expect(branches.then_branch.g!.node![0]).toMatchObject({ opType: 'Relu', input: ['x'], output: ['a'] });
    expect(branches.then_branch.g!.output![0].type!.tensorType!.shape).toBeUndefined();
    expect(branches.else_branch.g!.node![0]).toMatchObject({ opType: 'Neg', name: 'else_branch_Neg_0' });
  });

  it('refuses a subgraph name that shadows an enclosing value, an unknown input, and building a subgraph alone', () => {
    const b = tiny();
    const body = b.subgraph('body');
    expect(() => body.input('x', 'float32', [1])).toThrow('value "x" is already defined');
    expect(() => body.op('Relu', ['nope'])).toThrow('Relu input "nope" is not defined');
    body.op('Relu', ['x'], undefined, 'r');
    body.output('r', 'float32', [1]);
    expect(() => body.build()).toThrow('"body" is a subgraph: build the enclosing graph');
    expect(() => b.output('x', 'float32')).toThrow('output "x" of the main graph needs a shape');
  });

  it('imports the opset of every other domain its nodes use, com.microsoft at version 1 by default', () => {
    const b = tiny();
    b.node('Gelu', ['x'], { domain: 'com.microsoft', outputs: ['g'] });
    b.node('Custom', ['g'], { domain: 'org.example', outputs: ['y'] });
    b.output('y', 'float32', ['batch', 2]);
    expect(() => b.build()).toThrow('no opset version given for domain "org.example"');
    const model = decodeModel(b.build({ opset: 18, domainOpsets: { 'org.example': 3 } }));
    expect(model.opsetImport).toEqual([
      { domain: '', version: 18 },
      { domain: 'com.microsoft', version: 1 },
      { domain: 'org.example', version: 3 },
    ]);
    expect(model.graph!.node![0].domain).toBe('com.microsoft');
  });
});
