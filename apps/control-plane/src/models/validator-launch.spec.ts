import { join } from 'node:path';
import { resolveValidatorLaunch } from './validator-launch';

describe(resolveValidatorLaunch.name, () => {
  it('forks the built validator beside the control-plane bundle', () => {
    const files = new Set(['/srv/polis/dist/apps/model-validator/main.js']);
    const launch = resolveValidatorLaunch({
      codeDir: '/srv/polis/dist/apps/control-plane',
      exists: (p) => files.has(p),
    });
    expect(launch).toEqual({
      modulePath: '/srv/polis/dist/apps/model-validator/main.js',
      execArgv: [],
      cwd: '/srv/polis/dist/apps/model-validator',
      env: {},
    });
  });

  it('runs the TypeScript source through ts-node when there is no build beside the code', () => {
    const files = new Set(['/repo/apps/model-validator/src/main.ts', '/repo/tsconfig.json']);
    const launch = resolveValidatorLaunch({
      codeDir: '/repo/apps/control-plane/src/models',
      exists: (p) => files.has(p),
    });
    expect(launch).toEqual({
      modulePath: join('/repo', 'apps/model-validator/src/main.ts'),
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      cwd: '/repo',
      env: { TS_NODE_PROJECT: '/repo/tsconfig.json' },
    });
  });

  it('says what to build when neither exists', () => {
    expect(() => resolveValidatorLaunch({ codeDir: '/opt/cp', exists: () => false })).toThrow(
      /nest build model-validator/,
    );
  });
});
