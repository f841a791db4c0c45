import { execFileSync } from 'node:child_process';
import { RegistryHarness } from './registry-harness';
import { PLAIN_METADATA, reluModel } from './test-models';

/** Validator processes still running under this test process (the in-process control plane forks them). */
function runningValidators(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('model-validator'));
}

describe('the validator process contains models that hang or crash onnxruntime', () => {
  let registry: RegistryHarness;

  afterEach(async () => {
    await registry.close();
  });

  it('kills a validator that hangs at its time limit and refuses the model with 422', async () => {
    registry = await RegistryHarness.start('models-hang', {
      POLIS_VALIDATOR_TEST_FAULT: 'hang',
      MODEL_VALIDATION_TIMEOUT_MS: '4000',
    });
    const started = Date.now();
    const reply = await registry.upload('hangs', '1.0.0', reluModel(), { metadata: PLAIN_METADATA });
    const elapsed = Date.now() - started;
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      error: 'validator-timeout',
      message: 'loading and running the model did not finish within 4000 ms; the validator was killed',
    });
    expect(elapsed).toBeGreaterThanOrEqual(4000);
    expect(elapsed).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 200)); // SIGKILL is delivered asynchronously
    expect(runningValidators()).toEqual([]);
    expect(await registry.stored()).toEqual({ versionKeys: [], artifacts: [], artifactMessages: 0 });
    expect(await registry.leftoverUploads()).toEqual([]);
    expect((await registry.get('')).status).toBe(200); // the control plane itself is unaffected
  });

  it('refuses with 422 when the validator dies of a native crash', async () => {
    registry = await RegistryHarness.start('models-crash', { POLIS_VALIDATOR_TEST_FAULT: 'crash' });
    const reply = await registry.upload('crashes', '1.0.0', reluModel(), { metadata: PLAIN_METADATA });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      error: 'validator-crashed',
      message: 'the validator process was killed by SIGSEGV while checking the model',
    });
    expect(await registry.stored()).toEqual({ versionKeys: [], artifacts: [], artifactMessages: 0 });
    expect(await registry.leftoverUploads()).toEqual([]);
  });

  it('checks policy before loading: a bad file is refused as such even when loading would hang', async () => {
    registry = await RegistryHarness.start('models-hang-policy', {
      POLIS_VALIDATOR_TEST_FAULT: 'hang',
      MODEL_VALIDATION_TIMEOUT_MS: '20000',
    });
    const reply = await registry.upload('bad', '1.0.0', reluModel({ opset: 23 }), {
      metadata: PLAIN_METADATA,
    });
    expect(reply.body.error).toBe('unsupported-opset');
  });
});
