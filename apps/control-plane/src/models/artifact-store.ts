import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type ObjectStore, StorageType } from 'nats';
import { artifactObjectName, modelArtifactBucket } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';

export interface Artifact {
  sha256: string;
  sizeBytes: number;
  /** The bytes, read from NATS as the consumer reads them; errors if they do not hash to `sha256`. */
  stream: Readable;
}

/** The object store's own digest format: "SHA-256=" and the padded base64url of the hash. */
export function natsDigest(sha256: string): string {
  const base64 = Buffer.from(sha256, 'hex').toString('base64');
  return `SHA-256=${base64.replace(/\+/g, '-').replace(/\//g, '_')}`;
}

const CHUNK_BYTES = 128 * 1024;
/** Chunks fetched per round trip when reading: bounds what a slow downloader makes us buffer. */
const CHUNKS_PER_FETCH = 8;
/** Bytes handed to the object store between two flushes: bounds what a put buffers in the client. */
const BYTES_PER_FLUSH = 2 * 1024 * 1024;

/**
 * A file as a web stream that waits for the NATS connection to flush every BYTES_PER_FLUSH bytes. The object
 * store's put() publishes chunks without waiting for acknowledgements, so without this pacing a large file
 * would be read into the client's outbound buffer as fast as the disk delivers it.
 */
function pacedFileStream(path: string, flush: () => Promise<void>): ReadableStream<Uint8Array> {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let sinceFlush = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sinceFlush >= BYTES_PER_FLUSH) {
          await flush();
          sinceFlush = 0;
        }
        const next = await chunks.next();
        if (next.done) {
          controller.close();
          return;
        }
        sinceFlush += next.value.length;
        controller.enqueue(next.value);
      },
      cancel() {
        file.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Model artifacts in a JetStream object store, named by content address (`sha256-<hex>`): identical bytes
 * are stored once whatever name and version they are published under.
 */
@Injectable()
export class ArtifactStore implements OnModuleInit {
  private store!: ObjectStore;
  private streamName!: string;
  private bucket!: string;

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bucket = modelArtifactBucket(this.config.nats.subjectPrefix);
    this.streamName = `OBJ_${this.bucket}`;
    this.store = await this.nats.jetstream.views.os(this.bucket, {
      storage: StorageType.File,
      description: 'Polis model artifacts by SHA-256',
    });
  }

  async has(sha256: string): Promise<boolean> {
    const info = await this.store.info(artifactObjectName(sha256));
    return info !== null && !info.deleted && info.digest === natsDigest(sha256);
  }

  /** Stores the file unless identical bytes are already there; verifies what NATS computed. */
  async put(sha256: string, path: string): Promise<{ stored: boolean }> {
    if (await this.has(sha256)) return { stored: false };
    const name = artifactObjectName(sha256);
    const info = await this.store.put(
      { name, description: 'ONNX model', options: { max_chunk_size: CHUNK_BYTES } },
      pacedFileStream(path, () => this.nats.connection.flush()),
    );
    if (info.digest !== natsDigest(sha256)) {
      await this.store.delete(name);
      throw new Error(
        `artifact ${name} was stored with digest ${info.digest}: the file changed while uploading`,
      );
    }
    return { stored: true };
  }

  /** Undefined when no artifact has these bytes. */
  async open(sha256: string): Promise<Artifact | undefined> {
    const info = await this.store.info(artifactObjectName(sha256));
    if (!info || info.deleted) return undefined;
    // Chunks live on $O.<bucket>.C.<nuid> (the object store layout, NATS ADR-20); reading them with a pulled
    // ordered consumer fetches only as fast as the HTTP client drains the response.
    const chunks = this.readChunks(`$O.${this.bucket}.C.${info.nuid}`, info.chunks, sha256);
    return { sha256, sizeBytes: info.size, stream: Readable.from(chunks, { objectMode: false }) };
  }

  private async *readChunks(subject: string, count: number, sha256: string): AsyncGenerator<Uint8Array> {
    // One subject as a string: NATS servers before 2.10 do not know the multi-filter form.
    const consumer = await this.nats.jetstream.consumers.get(this.streamName, { filterSubjects: subject });
    const hash = createHash('sha256');
    let received = 0;
    try {
      while (received < count) {
        const batch = await consumer.fetch({
          max_messages: Math.min(CHUNKS_PER_FETCH, count - received),
          expires: 5_000,
        });
        const before = received;
        for await (const message of batch) {
          received++;
          hash.update(message.data);
          yield message.data;
        }
        if (received === before)
          throw new Error(`artifact chunks stopped arriving after ${received} of ${count}`);
      }
      if (hash.digest('hex') !== sha256)
        throw new Error(`artifact sha256-${sha256} is corrupt in the object store`);
    } finally {
      await consumer.delete().catch(() => false);
    }
  }
}
