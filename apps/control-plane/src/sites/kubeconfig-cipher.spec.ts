import { randomBytes } from 'node:crypto';
import { CipherError, KubeconfigCipher } from './kubeconfig-cipher';

const key = () => randomBytes(32).toString('base64');
const kubeconfig = 'users:\n- name: u\n  user:\n    token: very-secret-token\n';

describe(KubeconfigCipher.name, () => {
  it('round-trips, with a fresh IV each time and no plaintext in the stored form', () => {
    const cipher = new KubeconfigCipher(key());
    const a = cipher.encrypt('north-3', kubeconfig);
    const b = cipher.encrypt('north-3', kubeconfig);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('very-secret-token');
    expect(Buffer.from(a.split('.')[3], 'base64url').toString('utf8')).not.toContain('very-secret-token');
    expect(cipher.decrypt('north-3', a)).toBe(kubeconfig);
  });

  it('refuses another key, another site, and a tampered record', () => {
    const cipher = new KubeconfigCipher(key());
    const stored = cipher.encrypt('north-3', kubeconfig);
    expect(() => new KubeconfigCipher(key()).decrypt('north-3', stored)).toThrow(CipherError);
    expect(() => cipher.decrypt('south-1', stored)).toThrow(/does not decrypt/);
    const parts = stored.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] = body[0] ^ 1;
    expect(() =>
      cipher.decrypt('north-3', [...parts.slice(0, 3), body.toString('base64url')].join('.')),
    ).toThrow(CipherError);
    expect(() => cipher.decrypt('north-3', 'plain text')).toThrow(/format/);
  });

  it('needs a 32-byte key', () => {
    expect(() => new KubeconfigCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
