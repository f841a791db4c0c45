/** What /version answers. It says plainly that this is the Polis emulator, not K3s or kube-apiserver. */
import type { JsonObject } from '../model/json';

export const EMULATED_KUBERNETES_VERSION = 'v1.32.0';
/** Build metadata (+…) rather than a pre-release (-…), so semver constraints like ">=1.20.0" still match. */
export const EMULATOR_GIT_VERSION = `${EMULATED_KUBERNETES_VERSION}+polis-kube-emulator`;
export const EMULATOR_HEADER = 'X-Polis-Kube-Emulator';

export function versionInfo(): JsonObject {
  return {
    major: '1',
    minor: '32',
    gitVersion: EMULATOR_GIT_VERSION,
    gitCommit: 'polis-kube-emulator',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'n/a (Node.js emulator)',
    compiler: 'polis-kube-emulator',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    emulator: 'Polis kube-emulator: an in-process imitation of the Kubernetes API, not K3s or kube-apiserver',
  };
}
