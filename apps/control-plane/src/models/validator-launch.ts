import { dirname, join } from 'node:path';

/** How to start the model validator: a module for child_process.fork, with the Node flags it needs. */
export interface ValidatorLaunch {
  modulePath: string;
  execArgv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface LaunchEnvironment {
  /** The directory of the running control-plane code (its bundle in dist/, or its source under ts-node/jest). */
  codeDir: string;
  exists: (path: string) => boolean;
}

const SOURCE_ENTRY = join('apps', 'model-validator', 'src', 'main.ts');

function findRepositoryRoot(start: string, exists: (path: string) => boolean): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (exists(join(dir, SOURCE_ENTRY)) && exists(join(dir, 'tsconfig.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The built validator when the control plane runs from its bundle (dist/apps/control-plane/main.js next to
 * dist/apps/model-validator/main.js); otherwise its TypeScript source through ts-node, as under jest or
 * ts-node. Source runs register tsconfig-paths with the repository's tsconfig so `@polis/*` resolve.
 */
export function resolveValidatorLaunch({ codeDir, exists }: LaunchEnvironment): ValidatorLaunch {
  const built = join(codeDir, '..', 'model-validator', 'main.js');
  if (exists(built)) return { modulePath: built, execArgv: [], cwd: dirname(built), env: {} };
  const root = findRepositoryRoot(codeDir, exists);
  if (!root) {
    throw new Error(
      `the model validator is missing: neither ${built} (run "nest build model-validator") nor its source was found`,
    );
  }
  return {
    modulePath: join(root, SOURCE_ENTRY),
    // Node resolves -r modules from the working directory: the repository root with its node_modules.
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
    cwd: root,
    env: { TS_NODE_PROJECT: join(root, 'tsconfig.json') },
  };
}
