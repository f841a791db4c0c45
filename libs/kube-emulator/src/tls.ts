/** A self-signed serving certificate for 127.0.0.1/localhost; its PEM doubles as the kubeconfig CA. */
import { generateKeyPairSync } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  /** PEM certificate, also used as certificate-authority-data. */
  cert: string;
  /** PEM private key. */
  key: string;
}

/**
 * Generates one certificate. It is valid for any port on 127.0.0.1 and localhost, so a process
 * running many clusters generates it once and shares it (RSA key generation is the slow part).
 */
export function generateTlsMaterial(commonName = 'polis-kube-emulator'): TlsMaterial {
  // Native key generation; selfsigned only signs. It reads `keyPair`, which its typings omit.
  const keyPair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const options = {
    days: 365,
    algorithm: 'sha256',
    keyPair: { publicKey: keyPair.publicKey, privateKey: keyPair.privateKey },
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  };
  const pems = generate([{ name: 'commonName', value: commonName }], options);
  return { cert: pems.cert, key: keyPair.privateKey };
}
