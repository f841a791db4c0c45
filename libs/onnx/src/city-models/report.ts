/**
 * Prints the held-out accuracy table of the city models as Markdown (pasted into docs/models.md):
 *   npx ts-node -r tsconfig-paths/register --transpile-only libs/onnx/src/city-models/report.ts [seed]
 */
import { buildCityModels, type CityModelArtifact } from './index';
import { beatsBaseline } from './evaluation';

const DEFAULT_SEED = 42;

const format = (value: number): string => (Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3));

export function reportTable(models: readonly CityModelArtifact[]): string {
  const header = [
    '| Model | Metric (held-out) | Model | Naive baseline | Baseline | Beats baseline | Train / test samples | Size | FLOPs |',
    '| --- | --- | ---: | ---: | --- | --- | ---: | ---: | ---: |',
  ];
  const rows = models.map(({ name, version, bytes, metadata, metrics }) => {
    const h = metrics.headline;
    return `| ${name}@${version} | ${h.metric} | ${format(h.model)} | ${format(h.baseline)} | ${h.baselineName} | ${
      beatsBaseline(h) ? 'yes' : 'no'
    } | ${metrics.trainSamples} / ${metrics.heldOutSamples} | ${bytes.byteLength} B | ${metadata.resources.estimatedFlops} |`;
  });
  const details = models.map(
    ({ name, metrics }) =>
      `- ${name}: ${Object.entries(metrics.details)
        .map(([k, v]) => `${k}=${format(v)}`)
        .join(', ')}`,
  );
  return [...header, ...rows, '', ...details].join('\n');
}

if (require.main === module) {
  const seed = Number(process.argv[2] ?? DEFAULT_SEED);
  process.stdout.write(`Seed ${seed}\n\n${reportTable(buildCityModels(seed))}\n`);
}
