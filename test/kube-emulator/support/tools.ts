/** Running the real kubectl and helm binaries that scripts/install-kube-tools.sh puts in .polis/tools/bin. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export const TOOLS_BIN = join(__dirname, '..', '..', '..', '.polis', 'tools', 'bin');

/** The path of a tool, or a failure telling how to install it (setup installs it; a missing binary is an error). */
export function toolPath(name: 'kubectl' | 'helm'): string {
  const path = join(TOOLS_BIN, name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${name} not found at ${path}: run \`bash scripts/install-kube-tools.sh\` (the setup script installs it)`,
    );
  }
  return path;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  tool: 'kubectl' | 'helm',
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      toolPath(tool),
      args,
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${tool} ${args.join(' ')} could not run: ${error.message}`));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Asserts success and returns stdout, with the tool's stderr in the failure message. */
export async function runOk(
  tool: 'kubectl' | 'helm',
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<string> {
  const result = await run(tool, args, env, input);
  if (result.code !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Starts a long-running tool (e.g. `kubectl get -w`), collecting its stdout. */
export function spawnTool(
  tool: 'kubectl' | 'helm',
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  const child = spawn(toolPath(tool), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return { child, output: () => output };
}
