/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraphBuilder } from '@polis/onnx';
import { validateModel } from './validate-model';

function relu(): Uint8Array {
  const b = new OnnxGraphBuilder('relu');
  const x = b.input('x', 'float32', ['batch', 2]);
  b.op('Relu', [x], undefined, 'y');
  b.output('y', 'float32', ['batch', 2]);
  return b.build();
}

function reshapeToFour(): Uint8Array {
  const b = new OnnxGraphBuilder('reshape');
  const x = b.input('x', 'float32', ['batch', 3]);
  b.op('Reshape', [x, b.initializer('shape', BigInt64Array.of(4n), [1])], undefined, 'y');
  b.output('y', 'float32', [4]);
  return b.build();
}

describe(validateModel.name, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'polis-validate-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function file(bytes: Uint8Array): Promise<string> {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.onnx`);
    await writeFile(path, bytes);
    return path;
  }

  it('accepts a model that loads and runs on zeros, with its insight', async () => {
    const reply = await validateModel({ modelPath: await file(relu()) });
    expect(reply).toMatchObject({ ok: true, smokeTest: { sessionCreated: true, inferenceOk: true } });
    expect(reply.ok && reply.insight.inputs).toEqual([
      { name: 'x', kind: 'tensor', elementType: 'float32', shape: ['batch', 2] },
    ]);
  });

  it('lists every policy issue, not only the first', async () => {
    const b = new OnnxGraphBuilder('bad');
    const x = b.input('x', 'float32', [0, 2]);
    b.op('Mystery', [x], undefined, 'y');
    b.output('y', 'float32', [0, 2]);
    const reply = await validateModel({ modelPath: await file(b.build({ opset: 3 })) });
    expect(reply).toMatchObject({ ok: false, reason: 'unsupported-opset' });
    expect(!reply.ok && reply.issues?.map((i) => i.code)).toEqual([
      'unsupported-opset',
      'unsupported-operator',
      'unfeedable-shape',
    ]);
  });

  it('accepts with a warning when zeros do not run, but refuses a sample that does not run', async () => {
    const path = await file(reshapeToFour());
    const zeros = await validateModel({ modelPath: path });
    expect(zeros).toMatchObject({ ok: true, smokeTest: { inferenceOk: false } });
    expect(zeros.ok && zeros.smokeTest.warning).toMatch(/^inference on zero-filled inputs failed: /);
    const sample = await validateModel({ modelPath: path, sample: { x: { data: [1, 2, 3] } } });
    expect(sample).toMatchObject({ ok: false, reason: 'inference-failed' });
  });

  it('calls the fault hook after inspection and before loading the model', async () => {
    const calls: string[] = [];
    await validateModel({ modelPath: await file(relu()) }, () => calls.push('before-session'));
    await validateModel({ modelPath: await file(new Uint8Array([1, 2, 3])) }, () => calls.push('never'));
    expect(calls).toEqual(['before-session']);
  });
});
