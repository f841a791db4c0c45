/**
 * Runs one site-loss drill against the running demo (scripts/city.sh) and prints what an operator sees, when:
 *   ts-node scripts/site-drill.ts <refused|partition|unavailable|not-ready> <site> <deployment> [kubeconfig-dir]
 * (POLIS_URL, default http://127.0.0.1:8080; kubeconfig-dir default .polis/kube). It switches the fault on the
 * site's cluster (the local Kubernetes API's admin listener, as `npm run kube-fault` does), polls the site, the
 * deployment's status and /metrics every 250 ms until the deployment is served from central, clears the fault,
 * and polls until the site's own replicas serve again and the central copy is gone. One JSON line per change.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseKubeconfig } from '@polis/kube';

const FAULTS: Record<string, { on: (node: string) => object; off: (node: string) => object }> = {
  refused: { on: () => ({ refused: true }), off: () => ({ refused: false }) },
  partition: { on: () => ({ partitioned: true }), off: () => ({ partitioned: false }) },
  unavailable: { on: () => ({ unavailable: true }), off: () => ({ unavailable: false }) },
  'not-ready': {
    on: (node) => ({ nodeReady: { node, ready: false } }),
    off: (node) => ({ nodeReady: { node, ready: true } }),
  },
};

interface Observation {
  siteState?: string;
  siteReason?: string;
  deploymentSiteState?: string;
  deploymentSiteReason?: string;
  runningOn?: string;
  inTrouble?: string;
  lost?: string;
}

async function json(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function metric(base: string, name: string, site: string): Promise<string | undefined> {
  try {
    const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{site="${site}"}`));
    return line?.split(' ').at(-1);
  } catch {
    return undefined;
  }
}

async function observe(base: string, site: string, deployment: string): Promise<Observation> {
  const [siteView, status, inTrouble, lost] = await Promise.all([
    json(`${base}/api/v1/sites/${site}`),
    json(`${base}/api/v1/deployments/${deployment}/status`),
    metric(base, 'polis_site_in_trouble', site),
    metric(base, 'polis_site_lost', site),
  ]);
  const siteStatus = siteView?.status as { state?: string; reason?: string } | undefined;
  const sites = (status?.sites ?? []) as {
    siteId: string;
    state: string;
    reason?: string;
    runningOn?: { siteId: string; readyReplicas: number | null; draining?: boolean }[];
  }[];
  const entry = sites.find((s) => s.siteId === site);
  return {
    siteState: siteStatus?.state,
    siteReason: siteStatus?.reason,
    deploymentSiteState: entry?.state,
    deploymentSiteReason: entry?.reason,
    runningOn: entry?.runningOn
      ?.map((r) => `${r.siteId}:${r.readyReplicas ?? '?'}${r.draining ? ' draining' : ''}`)
      .join(', '),
    inTrouble,
    lost,
  };
}

async function switchFault(kubeconfigPath: string, body: object): Promise<void> {
  const kubeconfig = parseKubeconfig(await readFile(kubeconfigPath, 'utf8'));
  if (kubeconfig.credentials.kind !== 'token') throw new Error('the kubeconfig has no token');
  const url = (await readFile(kubeconfigPath.replace(/\.kubeconfig$/, '.faults-url'), 'utf8')).trim();
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${kubeconfig.credentials.token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`fault switch answered ${response.status}: ${await response.text()}`);
}

async function main(): Promise<void> {
  const [fault, site, deployment, dir = '.polis/kube'] = process.argv.slice(2);
  const switches = fault ? FAULTS[fault] : undefined;
  if (!switches || !site || !deployment)
    throw new Error(
      'usage: site-drill.ts <refused|partition|unavailable|not-ready> <site> <deployment> [dir]',
    );
  const base = process.env.POLIS_URL ?? 'http://127.0.0.1:8080';
  const kubeconfig = join(dir, `${site}.kubeconfig`);
  const node = `${site}-node-01`;
  const deadline = Date.now() + 5 * 60_000;
  let last = '';
  const watch = async (t0: number, phase: string, done: (o: Observation) => boolean): Promise<number> => {
    for (;;) {
      const observation = await observe(base, site, deployment);
      const shown = JSON.stringify(observation);
      if (shown !== last) {
        last = shown;
        process.stdout.write(
          `${JSON.stringify({ phase, atSeconds: Number(((Date.now() - t0) / 1000).toFixed(1)), ...observation })}\n`,
        );
      }
      if (done(observation)) return (Date.now() - t0) / 1000;
      if (Date.now() > deadline) throw new Error(`drill ${fault}: gave up waiting (${phase})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const servedFromCentral = (o: Observation): boolean =>
    o.deploymentSiteState === 'Offloaded' && /central-\d+:[1-9]/.test(o.runningOn ?? '');
  const servedAtHome = (o: Observation): boolean =>
    o.deploymentSiteState === 'Ready' && o.runningOn === `${site}:1`;

  await watch(Date.now(), 'before', servedAtHome);
  const down = Date.now();
  await switchFault(kubeconfig, switches.on(node));
  const failover = await watch(down, 'fault', servedFromCentral);
  const up = Date.now();
  await switchFault(kubeconfig, switches.off(node));
  const back = await watch(up, 'cleared', servedAtHome);
  process.stdout.write(
    `${JSON.stringify({ fault, site, deployment, failoverSeconds: failover, returnSeconds: back })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
