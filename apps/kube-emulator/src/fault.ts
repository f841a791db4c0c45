/**
 * The drill CLI: switches a fault of one cluster of a running local Kubernetes API (e.g. the demo's).
 *   npm run -s kube-fault -- .polis/kube/traffic-01.kubeconfig refused
 *   npm run -s kube-fault -- .polis/kube/traffic-01.kubeconfig clear
 * Prints the cluster's fault state after the switch as JSON.
 */
import { readFile } from 'node:fs/promises';
import { parseKubeconfig } from '@polis/kube';
import { FAULT_USAGE, FaultUsageError, faultRequestOf } from './fault-command';

async function main(): Promise<void> {
  const [kubeconfigPath, ...words] = process.argv.slice(2);
  if (!kubeconfigPath || kubeconfigPath === '--help') {
    process.stdout.write(`${FAULT_USAGE}\n`);
    return;
  }
  const request = faultRequestOf(words);
  const kubeconfig = parseKubeconfig(await readFile(kubeconfigPath, 'utf8'));
  if (kubeconfig.credentials.kind !== 'token')
    throw new FaultUsageError('the kubeconfig has no bearer token (an emulator kubeconfig has one)');
  const urlFile = kubeconfigPath.replace(/\.kubeconfig$/, '') + '.faults-url';
  const url = (await readFile(urlFile, 'utf8').catch(() => '')).trim();
  if (!url)
    throw new FaultUsageError(`${urlFile} is missing: is this a kubeconfig the kube-emulator CLI wrote?`);
  const response = await fetch(url, {
    method: request ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${kubeconfig.credentials.token}`, 'content-type': 'application/json' },
    body: request ? JSON.stringify(request) : undefined,
  });
  const text = await response.text();
  if (!response.ok) {
    const message = (() => {
      try {
        return (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        return text;
      }
    })();
    throw new Error(`the admin listener answered ${response.status}: ${message}`);
  }
  process.stdout.write(`${text}\n`);
}

main().catch((error: unknown) => {
  const usage = error instanceof FaultUsageError;
  process.stderr.write(`kube-fault: ${error instanceof Error ? error.message : String(error)}\n`);
  if (usage) process.stderr.write(`\n${FAULT_USAGE}\n`);
  process.exit(usage ? 2 : 1);
});
