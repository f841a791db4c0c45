import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactObjectName, type ModelVersionRecord } from '@polis/contracts';
import { parseModelRecord } from './model-record';

export class ArtifactIntegrityError extends Error {
  override readonly name = 'ArtifactIntegrityError';
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function verifyArtifact(bytes: Uint8Array, expected: string, where: string): void {
  const actual = sha256Hex(bytes);
  if (actual !== expected) {
    throw new ArtifactIntegrityError(`${where}: sha256 is ${actual}, expected ${expected}`);
  }
}

/**
 * The runtime's local copy of model versions, so it can start and serve with the hub unreachable:
 * `artifacts/sha256-<digest>.onnx` (content-addressed) and `records/<name>@<version>.json`. Versions are
 * immutable, so an entry never goes stale; artifacts are re-verified on every read.
 */
export class ModelCache {
  constructor(private readonly dir: string) {}

  async read(
    name: string,
    version: string,
  ): Promise<{ record: ModelVersionRecord; bytes: Uint8Array } | undefined> {
    const recordPath = this.recordPath(name, version);
    const json = await readFile(recordPath, 'utf8').catch(notFound);
    if (json === undefined) return undefined;
    const record = parseModelRecord(json, recordPath);
    const artifactPath = this.artifactPath(record.sha256);
    const bytes = await readFile(artifactPath).catch(notFound);
    if (bytes === undefined) return undefined;
    verifyArtifact(bytes, record.sha256, artifactPath);
    return { record, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  /** Artifact first, then record: a record in the cache always has its artifact beside it. */
  async write(record: ModelVersionRecord, bytes: Uint8Array): Promise<void> {
    verifyArtifact(bytes, record.sha256, 'artifact to cache');
    await atomicWrite(this.artifactPath(record.sha256), bytes);
    await atomicWrite(this.recordPath(record.name, record.version), JSON.stringify(record));
  }

  private recordPath(name: string, version: string): string {
    return join(this.dir, 'records', `${name}@${version}.json`);
  }

  private artifactPath(sha256: string): string {
    return join(this.dir, 'artifacts', `${artifactObjectName(sha256)}.onnx`);
  }
}

function notFound(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}

/** A crash mid-write leaves a temp file, never a truncated entry. */
async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
