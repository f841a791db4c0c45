/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ONNX_SUPPORT, OnnxGraphBuilder } from '@polis/onnx';
import { contribModel, ifModel, loopModel } from '../../../test/models/control-flow-models';
import { sessionRejection, validateModel } from './validate-model';

function relu(opset?: number): Uint8Array {
  const b = new OnnxGraphBuilder('relu');
  const x = b.input('x', 'float32', ['batch', 2]);
  b.op('Relu', [x], undefined, 'y');
  b.output('y', 'float32', ['batch', 2]);
  return b.build({ opset });
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
    const policy = { ...DEFAULT_ONNX_SUPPORT, deniedOperators: ['Mystery'] };
    const reply = await validateModel({ modelPath: await file(b.build({ opset: 30 })), policy });
    expect(reply).toMatchObject({ ok: false, reason: 'unsupported-opset' });
    expect(!reply.ok && reply.issues?.map((i) => i.code)).toEqual([
      'unsupported-opset',
      'unsupported-operator',
      'unfeedable-shape',
    ]);
  });

  it('accepts If, Loop and com.microsoft operators, which the runtime runs', async () => {
    for (const bytes of [ifModel(), loopModel(), contribModel()]) {
      const reply = await validateModel({ modelPath: await file(bytes) });
      expect(reply).toMatchObject({ ok: true, smokeTest: { inferenceOk: true } });
    }
  });

  it('refuses what the operator policy denies before loading the model', async () => {
    const path = await file(ifModel());
    const denied = { ...DEFAULT_ONNX_SUPPORT, deniedOperators: ['If'] };
    expect(await validateModel({ modelPath: path, policy: denied })).toMatchObject({
      ok: false,
      reason: 'unsupported-operator',
      message: "operators denied by the registry's policy: If",
    });
    const contrib = { ...DEFAULT_ONNX_SUPPORT, deniedDomains: ['com.microsoft'] };
    expect(await validateModel({ modelPath: await file(contribModel()), policy: contrib })).toMatchObject({
      ok: false,
      reason: 'unsupported-operator',
      message: "operators denied by the registry's policy: com.microsoft::FusedMatMul, com.microsoft::Gelu",
    });
  });

  it("reports an operator or opset the runtime lacks with the policy codes, in the runtime's words", async () => {
    const b = new OnnxGraphBuilder('unknown-op');
    const x = b.input('x', 'float32', [1, 2]);
    b.op('FancyActivation', [x], undefined, 'y');
    b.output('y', 'float32', [1, 2]);
    expect(await validateModel({ modelPath: await file(b.build()) })).toMatchObject({
      ok: false,
      reason: 'unsupported-operator',
      message: expect.stringMatching(/^onnxruntime has no CPU kernel for an operator: .*FancyActivation/),
    });
    expect(await validateModel({ modelPath: await file(relu(5)) })).toMatchObject({
      ok: false,
      reason: 'unsupported-operator',
      message: expect.stringMatching(/Could not find an implementation for Relu\(1\)/),
    });
  });

  it('maps runtime load errors to codes and strips the C++ location', () => {
    const opset =
      '/onnxruntime_src/onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::unordered_map<std::string, int>&, bool, int) ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 23 is under development.';
    expect(sessionRejection(opset)).toEqual({
      ok: false,
      reason: 'unsupported-opset',
      message:
        'onnxruntime does not support an opset of the model: ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 23 is under development.',
    });
    expect(sessionRejection('Fatal error: com.example:Relu(-1) is not a registered function/op').reason).toBe(
      'unsupported-operator',
    );
    expect(sessionRejection('Type Error: Type parameter (T) bound to different types').reason).toBe(
      'session-failed',
    );
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
