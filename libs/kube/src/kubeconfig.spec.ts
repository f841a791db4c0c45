import { stringify } from 'yaml';
import { KubeconfigError } from './errors';
import { parseKubeconfig } from './kubeconfig';

const PEM = (label: string) =>
  Buffer.from(`-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`).toString('base64');

function kubeconfig(overrides: { cluster?: object; user?: object; root?: object } = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: {
          server: 'https://10.0.0.1:6443',
          'certificate-authority-data': PEM('CERTIFICATE'),
          ...overrides.cluster,
        },
      },
    ],
    users: [{ name: 'u', user: { token: 'secret-token-value', ...overrides.user } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'polis-models' } }],
    'current-context': 'ctx',
    ...overrides.root,
  });
}

function problemOf(text: string): { problem: string; message: string } {
  try {
    parseKubeconfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(KubeconfigError);
    return { problem: (error as KubeconfigError).problem, message: (error as Error).message };
  }
  throw new Error('expected the kubeconfig to be refused');
}

describe(parseKubeconfig.name, () => {
  it('reads server, CA, namespace and a bearer token', () => {
    const parsed = parseKubeconfig(kubeconfig());
    expect(parsed).toMatchObject({
      server: 'https://10.0.0.1:6443',
      namespace: 'polis-models',
      skipTlsVerify: false,
      credentials: { kind: 'token', token: 'secret-token-value' },
    });
    expect(parsed.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('reads client-certificate credentials', () => {
    const parsed = parseKubeconfig(
      kubeconfig({
        user: {
          token: undefined,
          'client-certificate-data': PEM('CERTIFICATE'),
          'client-key-data': PEM('EC PRIVATE KEY'),
        },
      }),
    );
    expect(parsed.credentials).toMatchObject({ kind: 'client-certificate' });
  });

  it('verifies TLS unless insecure-skip-tls-verify is true', () => {
    expect(
      parseKubeconfig(kubeconfig({ cluster: { 'insecure-skip-tls-verify': false } })).skipTlsVerify,
    ).toBe(false);
    const skipped = parseKubeconfig(kubeconfig({ cluster: { 'insecure-skip-tls-verify': true } }));
    expect(skipped.skipTlsVerify).toBe(true);
    expect(skipped.caPem).toBeUndefined();
  });

  it.each([
    ['', 'empty', /empty/],
    ['clusters: [a', 'parse', /not valid YAML at line \d+, column \d+/],
    ['just a string', 'not-a-kubeconfig', /clusters/],
    [kubeconfig({ root: { 'current-context': undefined } }), 'missing-current-context', /no current-context/],
    [kubeconfig({ root: { 'current-context': 'other' } }), 'context-not-found', /"other" is not in contexts/],
    [kubeconfig({ root: { clusters: [] } }), 'cluster-not-found', /cluster "c"/],
    [kubeconfig({ root: { users: [] } }), 'user-not-found', /user "u"/],
    [kubeconfig({ cluster: { server: 'http://10.0.0.1:6443' } }), 'invalid-server', /https/],
    [kubeconfig({ cluster: { 'certificate-authority': '/etc/ca.crt' } }), 'file-reference', /CA file/],
    [
      kubeconfig({ cluster: { 'certificate-authority-data': 'bm90IGEgY2VydA==' } }),
      'invalid-certificate',
      /not base64-encoded PEM/,
    ],
    [kubeconfig({ user: { token: undefined } }), 'missing-credentials', /no token and no client certificate/],
    [
      kubeconfig({ user: { token: undefined, 'client-certificate-data': PEM('CERTIFICATE') } }),
      'missing-credentials',
      /both/,
    ],
    [kubeconfig({ user: { tokenFile: '/var/run/token' } }), 'file-reference', /tokenFile/],
    [
      kubeconfig({ user: { token: undefined, exec: { command: 'rm' } } }),
      'unsupported-auth',
      /run a command on the hub/,
    ],
    [
      kubeconfig({ user: { token: undefined, username: 'a', password: 'b' } }),
      'unsupported-auth',
      /basic auth/,
    ],
  ])('refuses %#: %s', (text, problem, message) => {
    const refused = problemOf(text);
    expect(refused.problem).toBe(problem);
    expect(refused.message).toMatch(message);
  });

  it('never quotes the document in a parse error', () => {
    const { message } = problemOf('users:\n- name: u\n  user: {token: "secret-token-value"\n');
    expect(message).not.toContain('secret-token-value');
  });
});
