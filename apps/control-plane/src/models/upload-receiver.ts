import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ModelRejection } from './model-rejection';

export interface ReceivedUpload {
  sha256: string;
  sizeBytes: number;
}

/** A Transform that hashes and counts what passes, and fails as soon as the count passes `maxBytes`. */
function meter(maxBytes: number, onChunk: (chunk: Buffer) => void): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(new ModelRejection('too-large', `the model is larger than the limit of ${maxBytes} bytes`));
        return;
      }
      onChunk(chunk);
      done(null, chunk);
    },
  });
}

/**
 * Streams a request body to `path` (which must not exist) while hashing it, so the control plane never holds
 * a model in memory. The source is piped rather than passed to pipeline(): pipeline would destroy it on the
 * size limit, and destroying an HTTP request destroys its socket before the 413 can be sent. Instead the
 * source is left unread and the caller answers and closes the connection.
 */
export async function receiveToFile(
  source: Readable,
  path: string,
  maxBytes: number,
): Promise<ReceivedUpload> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const counter = meter(maxBytes, (chunk) => {
    hash.update(chunk);
    sizeBytes += chunk.length;
  });
  const interrupted = (error?: Error) => {
    if (source.readableEnded) return;
    counter.destroy(
      new ModelRejection(
        'upload-interrupted',
        `the upload ended early: ${error?.message ?? 'connection closed'}`,
      ),
    );
  };
  source.once('error', interrupted);
  source.once('close', interrupted);
  try {
    source.pipe(counter);
    await pipeline(counter, createWriteStream(path, { flags: 'wx' }));
  } finally {
    source.unpipe(counter);
    source.off('error', interrupted);
    source.off('close', interrupted);
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}
