/**
 * Builds the city models deterministically and publishes them to a running control plane:
 *   npm run models:build -- [--seed 42]        (POLIS_URL, default http://127.0.0.1:8080)
 * Re-running with the same seed is a no-op: the registry answers 200 for a version it already holds with the
 * same bytes. A different seed gives different bytes under the same version, which the registry refuses (409).
 */
import { buildCityModels, beatsBaseline, type CityModelArtifact } from '@polis/onnx';

const DEFAULT_SEED = 42;
const DEFAULT_URL = 'http://127.0.0.1:8080';

export type PublishOutcome = 'published' | 'unchanged';

export interface PublishedModel {
  model: CityModelArtifact;
  outcome: PublishOutcome;
  sha256: string;
}

export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/**
 * Publishing a version is idempotent, so a request lost to the network (typically a kept-alive connection the
 * server closed as it was reused) is simply sent again, once.
 */
async function put(url: string, model: CityModelArtifact): Promise<Response> {
  const send = () =>
    fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-polis-model-metadata': Buffer.from(JSON.stringify(model.metadata)).toString('base64url'),
      },
      body: model.bytes,
    });
  return send().catch(send);
}

async function publishOne(baseUrl: string, model: CityModelArtifact): Promise<PublishedModel> {
  const url = `${baseUrl}/api/v1/models/${model.name}/versions/${model.version}`;
  const response = await put(url, model);
  const body = (await response.json()) as { sha256?: string; error?: string; message?: string };
  if (response.status !== 201 && response.status !== 200) {
    throw new PublishError(
      `${model.name}@${model.version}: HTTP ${response.status} ${body.error ?? ''}: ${body.message ?? ''}`,
    );
  }
  return { model, outcome: response.status === 201 ? 'published' : 'unchanged', sha256: body.sha256 ?? '' };
}

/** Builds the models of `seed` and publishes each one; stops at the first refusal. */
export async function publishCityModels(baseUrl: string, seed: number): Promise<PublishedModel[]> {
  const published: PublishedModel[] = [];
  for (const model of buildCityModels(seed)) published.push(await publishOne(baseUrl, model));
  return published;
}

const format = (value: number): string => (Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3));

export function publishTable(rows: readonly PublishedModel[]): string {
  const table = [
    ['model', 'version', 'outcome', 'sha256', 'metric (held-out)', 'model', 'baseline', 'beats baseline'],
    ...rows.map(({ model, outcome, sha256 }) => {
      const h = model.metrics.headline;
      return [
        model.name,
        model.version,
        outcome,
        sha256,
        h.metric,
        format(h.model),
        `${format(h.baseline)} (${h.baselineName})`,
        beatsBaseline(h) ? 'yes' : 'no',
      ];
    }),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function parseSeed(args: readonly string[]): number {
  const index = args.indexOf('--seed');
  if (index === -1) return DEFAULT_SEED;
  const seed = Number(args[index + 1]);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new PublishError(`--seed needs a non-negative integer`);
  return seed;
}

async function main(): Promise<void> {
  const seed = parseSeed(process.argv.slice(2));
  const baseUrl = (process.env.POLIS_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  process.stdout.write(`Building the city models with seed ${seed} and publishing them to ${baseUrl}\n\n`);
  const rows = await publishCityModels(baseUrl, seed);
  process.stdout.write(`${publishTable(rows)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof PublishError ? error.message : ((error as Error).stack ?? String(error));
    process.stderr.write(`models:build failed: ${message}\n`);
    process.exit(1);
  });
}
