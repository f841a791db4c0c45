import { PolisError } from '../common';
import { decodeJsonHeader, encodeJsonHeader, parseMetadataHeader, parseSampleHeader } from './upload-headers';

const metadata = {
  task: 'forecast',
  description: 'Débit prévu — next 5 minutes',
  siteKinds: ['traffic'],
  telemetry: [
    { sensorKind: 'traffic-loop', fields: ['vehicleCount'], windowLength: 12, intervalSeconds: 300 },
  ],
  resources: { cpuMillicores: 50, memoryMiB: 16 },
  latencySloMs: 50,
};

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PolisError && error.code === 'invalid-input') return error.details as never;
    throw error;
  }
  throw new Error('expected invalid-input');
}

describe(decodeJsonHeader.name, () => {
  it('reads plain JSON and base64url JSON alike, non-ASCII included', () => {
    const value = { a: 'é→✓', b: [1, 2] };
    expect(decodeJsonHeader(JSON.stringify({ a: 1 }), 'f')).toEqual({ a: 1 });
    expect(decodeJsonHeader(encodeJsonHeader(value), 'f')).toEqual(value);
    expect(decodeJsonHeader(Buffer.from(JSON.stringify(value)).toString('base64'), 'f')).toEqual(value);
  });

  it('names the field when the value is neither', () => {
    expect(() => decodeJsonHeader('%%%', 'metadata')).toThrow(/^metadata: must be JSON/);
    expect(() => decodeJsonHeader('{"a":', 'sample')).toThrow(/^sample: must be JSON/);
  });
});

describe(parseMetadataHeader.name, () => {
  it('applies the contract defaults', () => {
    const parsed = parseMetadataHeader(encodeJsonHeader(metadata));
    expect(parsed).toMatchObject({ ...metadata, context: [], inputs: [], outputs: [] });
  });

  it('requires the header', () => {
    expect(problemsOf(() => parseMetadataHeader(undefined))).toEqual([
      { path: 'metadata', message: 'required' },
    ]);
    expect(() => parseMetadataHeader('  ')).toThrow(/x-polis-model-metadata/);
  });

  it('names every bad field under "metadata."', () => {
    const bad = { ...metadata, task: 'guess', resources: { cpuMillicores: 0, memoryMiB: 16 }, extra: 1 };
    const paths = problemsOf(() => parseMetadataHeader(encodeJsonHeader(bad))).map((p) => p.path);
    expect(paths.sort()).toEqual(['metadata', 'metadata.resources.cpuMillicores', 'metadata.task']);
  });
});

describe(parseSampleHeader.name, () => {
  it('is optional', () => {
    expect(parseSampleHeader(undefined)).toBeUndefined();
  });

  it('parses tensors by input name', () => {
    expect(parseSampleHeader(JSON.stringify({ x: { dims: [1, 2], data: [0.5, 1] } }))).toEqual({
      x: { dims: [1, 2], data: [0.5, 1] },
    });
  });

  it('names the bad input', () => {
    const paths = problemsOf(() => parseSampleHeader(JSON.stringify({ x: { data: [] } }))).map((p) => p.path);
    expect(paths).toEqual(['sample.x.data']);
    expect(() => parseSampleHeader('{}')).toThrow(/sample: must name at least one input/);
  });
});
