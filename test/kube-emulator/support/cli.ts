/** The kube-emulator CLI (apps/kube-emulator) and its drill CLI as processes, the way the demo runs them. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
const TS_NODE = [
  '-r',
  require.resolve('ts-node/register/transpile-only'),
  '-r',
  require.resolve('tsconfig-paths/register'),
];

export interface CliCluster {
  cluster: string;
  server: string;
  kubeconfig: string;
  faults: string;
}

export interface EmulatorProcess {
  clusters: CliCluster[];
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `kube-emulator` with these arguments and waits for the JSON line of each of `clusters` clusters. */
export async function startEmulatorCli(args: string[], clusters: number): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...TS_NODE, 'apps/kube-emulator/src/main.ts', ...args],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const found: CliCluster[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`kube-emulator did not start in 60 s: ${stderr}`)),
      60_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kube-emulator exited ${String(code)}: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      found.push(JSON.parse(line) as CliCluster);
      if (found.length === clusters) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    clusters: found,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the drill CLI (`npm run kube-fault`) and returns its exit code and output. */
export function kubeFault(
  kubeconfig: string,
  words: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...TS_NODE, 'apps/kube-emulator/src/fault.ts', kubeconfig, ...words],
      { cwd: REPO_ROOT, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}
