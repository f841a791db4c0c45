/** An emulated cluster for one test: its own port, token, temp HOME and kubeconfig; closed after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeEmulator, type KubeEmulatorOptions } from '@polis/kube-emulator';

export interface EmulatorFixture {
  emulator: KubeEmulator;
  dir: string;
  kubeconfigPath: string;
  /** Environment for kubectl/helm: KUBECONFIG and an isolated HOME for their caches. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startEmulatorFixture(options: KubeEmulatorOptions = {}): Promise<EmulatorFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-emulator-'));
  const emulator = new KubeEmulator({ name: 'test', podStartDelayMs: 20, ...options });
  await emulator.start();
  const kubeconfigPath = join(dir, 'test.kubeconfig');
  await emulator.writeKubeconfig(kubeconfigPath);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfigPath };
  return {
    emulator,
    dir,
    kubeconfigPath,
    env,
    close: async () => {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
