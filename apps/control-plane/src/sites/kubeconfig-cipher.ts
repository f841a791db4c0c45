import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1';

export class CipherError extends Error {
  override readonly name = 'CipherError';
}

/**
 * Encrypts kubeconfigs at rest with AES-256-GCM. The site id is authenticated data: a ciphertext
 * copied onto another site's record does not decrypt. Stored form: "v1.<iv>.<tag>.<ciphertext>",
 * each part base64url.
 */
export class KubeconfigCipher {
  private readonly key: Buffer;

  constructor(keyBase64: string) {
    const key = Buffer.from(keyBase64, 'base64');
    if (key.length !== 32) throw new CipherError('the kubeconfig key must be 32 bytes');
    this.key = key;
  }

  encrypt(siteId: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(aad(siteId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(siteId: string, stored: string): string {
    const [format, iv, tag, ciphertext] = stored.split('.');
    if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined)
      throw new CipherError(`site "${siteId}": stored kubeconfig is not in ${FORMAT} format`);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(aad(siteId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // Wrong key, tampered record or a record moved between sites: GCM cannot tell which.
      throw new CipherError(`site "${siteId}": stored kubeconfig does not decrypt with the configured key`);
    }
  }
}

function aad(siteId: string): Buffer {
  return Buffer.from(`polis-site-kubeconfig:${siteId}`, 'utf8');
}
