import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ModelRejection } from './model-rejection';
import { receiveToFile } from './upload-receiver';

describe(receiveToFile.name, () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'polis-receive-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes the body to disk and reports its SHA-256 and size', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
    const whole = Buffer.concat(chunks);
    const received = await receiveToFile(Readable.from(chunks), join(dir, 'm'), whole.length);
    expect(received).toEqual({
      sha256: createHash('sha256').update(whole).digest('hex'),
      sizeBytes: whole.length,
    });
    expect((await readFile(join(dir, 'm'))).equals(whole)).toBe(true);
  });

  it('stops reading at the limit, without consuming the rest of the source', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024));
      },
    });
    const error = await receiveToFile(endless, join(dir, 'm'), 1024 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRejection);
    expect(error).toMatchObject({ reason: 'too-large', message: expect.stringContaining('1048576 bytes') });
    expect(produced).toBeLessThan(4 * 1024 * 1024); // a few buffers of read-ahead, not the whole stream
    expect(endless.destroyed).toBe(false); // the caller still owns the connection and answers on it
  });

  it('reports a source that breaks off as an interrupted upload', async () => {
    const source = new PassThrough();
    const receiving = receiveToFile(source, join(dir, 'm'), 1024);
    source.write(Buffer.alloc(10));
    source.destroy(new Error('socket hang up'));
    await expect(receiving).rejects.toMatchObject({ reason: 'upload-interrupted' });
  });

  it('refuses to overwrite an existing file', async () => {
    await receiveToFile(Readable.from([Buffer.from('a')]), join(dir, 'm'), 10);
    await expect(receiveToFile(Readable.from([Buffer.from('b')]), join(dir, 'm'), 10)).rejects.toThrow(
      /EEXIST/,
    );
  });
});
