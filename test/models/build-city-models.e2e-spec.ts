import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCityModels } from '@polis/onnx';
import { publishCityModels, publishTable } from '../../scripts/build-city-models';
import { RegistryHarness } from './registry-harness';

const ROOT = join(__dirname, '../..');

describe('scripts/build-city-models.ts', () => {
  let registry: RegistryHarness;

  beforeAll(async () => {
    registry = await RegistryHarness.start('models-build');
  });

  afterAll(async () => {
    await registry.close();
  });

  it('publishes the city models of a seed once, and re-running changes nothing', async () => {
    const first = await publishCityModels(registry.url, 42);
    const expected = buildCityModels(42).map((m) => [
      m.name,
      m.version,
      createHash('sha256').update(m.bytes).digest('hex'),
    ]);
    expect(first.map((r) => [r.model.name, r.model.version, r.sha256])).toEqual(expected);
    expect(first.map((r) => r.outcome)).toEqual(['published', 'published', 'published', 'published']);

    const again = await publishCityModels(registry.url, 42);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.map((r) => r.sha256)).toEqual(first.map((r) => r.sha256));
    expect((await registry.stored()).versionKeys).toHaveLength(4);

    const table = publishTable(again).split('\n');
    expect(table[0]).toMatch(
      /^model +version +outcome +sha256 +metric \(held-out\) +model +baseline +beats baseline$/,
    );
    expect(table[1]).toMatch(
      new RegExp(`^traffic-flow-forecaster +1\\.0\\.0 +unchanged +${first[0].sha256} +MAE`),
    );
  });

  it('fails loudly when another seed would change a published version', async () => {
    await expect(publishCityModels(registry.url, 43)).rejects.toThrow(/HTTP 409 conflict: .*immutable/);
  });

  it('runs as a command and prints the table', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'scripts/build-city-models.ts',
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', POLIS_URL: registry.url } },
    );
    expect(stdout).toContain(`publishing them to ${registry.url}`);
    expect(stdout.match(/ unchanged /g)).toHaveLength(4);
  });
});
