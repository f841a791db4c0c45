/**
 * Registers every cluster of the local Kubernetes API (its kubeconfigs in one folder) as a Polis site:
 *   ts-node scripts/register-sites.ts <kubeconfig-dir>      (POLIS_URL, default http://127.0.0.1:8080)
 * A kubeconfig named `<kind>-NN.kubeconfig` becomes site `<kind>-NN` of that kind (traffic, energy, safety,
 * central). Idempotent: a site that already exists gets the new kubeconfig (each start of the local clusters
 * issues new ports, certificates and tokens).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

const KINDS = new Set(['traffic', 'energy', 'safety', 'central']);
const ZONES = ['north', 'south', 'east', 'west'];
const CITY_CENTRE = { lat: 45.07, lon: 7.68 };

interface SiteBody {
  id: string;
  name: string;
  kind: string;
  coordinates: { lat: number; lon: number };
  zone: string;
  labels: Record<string, string>;
  kubeconfig: string;
}

/**
 * `<kind>-NN` is in zone ZONES[(NN - 1) mod 4], the central site in "central": the rule scripts/city.sh gives
 * the local Kubernetes API (`--zones`), so the nodes' zone labels agree with the registration.
 */
export function zoneOf(id: string, kind: string): string {
  if (kind === 'central') return 'central';
  const number = Number(id.split('-').at(-1));
  return ZONES[(Math.max(1, number) - 1) % ZONES.length] ?? 'north';
}

export function siteFor(file: string, kubeconfig: string, index: number): SiteBody | undefined {
  const id = basename(file, '.kubeconfig');
  const kind = id.replace(/-\d+$/, '');
  if (!KINDS.has(kind)) return undefined;
  const angle = (index * 2 * Math.PI) / 12;
  return {
    id,
    name: `${kind} site ${id.split('-').at(-1)}`,
    kind,
    coordinates: {
      lat: CITY_CENTRE.lat + 0.02 * Math.sin(angle),
      lon: CITY_CENTRE.lon + 0.03 * Math.cos(angle),
    },
    zone: zoneOf(id, kind),
    labels: { 'polis.city/simulated': 'true' },
    kubeconfig,
  };
}

async function updateKubeconfig(base: string, site: SiteBody): Promise<void> {
  const current = await fetch(`${base}/api/v1/sites/${site.id}`);
  if (!current.ok) throw new Error(`${site.id}: ${current.status} ${await current.text()}`);
  const { revision } = (await current.json()) as { revision: number };
  const response = await fetch(`${base}/api/v1/sites/${site.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'if-match': String(revision) },
    body: JSON.stringify({ kubeconfig: site.kubeconfig }),
  });
  if (!response.ok) throw new Error(`${site.id}: ${response.status} ${await response.text()}`);
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: register-sites.ts <kubeconfig-dir>');
  const base = process.env.POLIS_URL ?? 'http://127.0.0.1:8080';
  const files = (await readdir(dir)).filter((f) => f.endsWith('.kubeconfig')).sort();
  for (const [index, file] of files.entries()) {
    const site = siteFor(file, await readFile(join(dir, file), 'utf8'), index);
    if (!site) continue;
    const response = await fetch(`${base}/api/v1/sites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(site),
    });
    if (response.status === 409) {
      await updateKubeconfig(base, site);
      process.stdout.write(`${site.id}: already registered, kubeconfig updated\n`);
      continue;
    }
    if (!response.ok) throw new Error(`${site.id}: ${response.status} ${await response.text()}`);
    process.stdout.write(`${site.id}: registered (${site.kind}, zone ${site.zone})\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
