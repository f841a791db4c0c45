import { parseDocument } from 'yaml';
import { KubeconfigError } from './errors';

/** A site's kubeconfig reduced to what Polis uses: one cluster, one user, inline credentials only. */
export interface SiteKubeconfig {
  context: string;
  cluster: string;
  user: string;
  /** https URL of the API server. */
  server: string;
  namespace?: string;
  /** PEM of the CA to trust; absent means the system roots. */
  caPem?: string;
  /** True only when the kubeconfig says insecure-skip-tls-verify: true. */
  skipTlsVerify: boolean;
  tlsServerName?: string;
  credentials:
    | { kind: 'token'; token: string }
    | { kind: 'client-certificate'; certPem: string; keyPem: string };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Parses and checks a kubeconfig given as text (YAML or JSON). Throws KubeconfigError naming the
 * first problem. Error messages never quote the document: a parse error reports a line and column
 * only, because the offending line may hold a token.
 *
 * Refused on purpose: references to files (a kubeconfig uploaded to the hub must not make it read its
 * own disk), exec and auth-provider plugins (they would run commands on the hub), basic auth and
 * proxies.
 */
export function parseKubeconfig(text: string): SiteKubeconfig {
  if (text.trim() === '') throw new KubeconfigError('empty', 'kubeconfig is empty');
  const document = parseDocument(text, { uniqueKeys: true });
  const parseError = document.errors[0];
  if (parseError) {
    const at = parseError.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    throw new KubeconfigError('parse', `kubeconfig is not valid YAML${where} (${parseError.code})`);
  }
  const root: unknown = document.toJS();
  if (!isObject(root) || !Array.isArray(root.clusters) || !Array.isArray(root.users))
    throw new KubeconfigError(
      'not-a-kubeconfig',
      'kubeconfig needs "clusters", "users" and "contexts" lists',
    );
  if (root.kind !== undefined && root.kind !== 'Config')
    throw new KubeconfigError(
      'not-a-kubeconfig',
      `kubeconfig kind must be "Config", not ${JSON.stringify(root.kind)}`,
    );

  const contextName = root['current-context'];
  if (!nonEmpty(contextName))
    throw new KubeconfigError('missing-current-context', 'kubeconfig has no current-context');
  const context = named(root.contexts, contextName)?.context;
  if (!isObject(context))
    throw new KubeconfigError('context-not-found', `current-context "${contextName}" is not in contexts`);
  const clusterName = typeof context.cluster === 'string' ? context.cluster : '';
  const cluster = named(root.clusters, clusterName)?.cluster;
  if (!isObject(cluster))
    throw new KubeconfigError(
      'cluster-not-found',
      `context "${contextName}" names cluster "${clusterName}", which is not in clusters`,
    );
  const userName = typeof context.user === 'string' ? context.user : '';
  const user = named(root.users, userName)?.user;
  if (!isObject(user))
    throw new KubeconfigError(
      'user-not-found',
      `context "${contextName}" names user "${userName}", which is not in users`,
    );

  return {
    context: contextName,
    cluster: clusterName,
    user: userName,
    namespace: nonEmpty(context.namespace) ? context.namespace : undefined,
    ...clusterSettings(clusterName, cluster),
    credentials: credentials(userName, user),
  };
}

function named(list: unknown, name: string): Json | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.find((entry): entry is Json => isObject(entry) && entry.name === name);
}

function clusterSettings(
  name: string,
  cluster: Json,
): Pick<SiteKubeconfig, 'server' | 'caPem' | 'skipTlsVerify' | 'tlsServerName'> {
  const server = cluster.server;
  if (!nonEmpty(server) || !URL.canParse(server) || new URL(server).protocol !== 'https:')
    throw new KubeconfigError('invalid-server', `cluster "${name}" needs an https:// server URL`);
  if (cluster['certificate-authority'] !== undefined)
    throw new KubeconfigError(
      'file-reference',
      `cluster "${name}" points at a CA file; embed it as certificate-authority-data instead`,
    );
  if (cluster['proxy-url'] !== undefined)
    throw new KubeconfigError(
      'unsupported-auth',
      `cluster "${name}" uses proxy-url, which Polis does not support`,
    );
  const skipTlsVerify = cluster['insecure-skip-tls-verify'] === true;
  const caData = cluster['certificate-authority-data'];
  const caPem =
    caData === undefined || skipTlsVerify
      ? undefined
      : pem(caData, `cluster "${name}" certificate-authority-data`);
  return {
    server: server.replace(/\/+$/, ''),
    caPem,
    skipTlsVerify,
    tlsServerName: nonEmpty(cluster['tls-server-name']) ? cluster['tls-server-name'] : undefined,
  };
}

function credentials(name: string, user: Json): SiteKubeconfig['credentials'] {
  for (const key of ['tokenFile', 'client-certificate', 'client-key'])
    if (user[key] !== undefined)
      throw new KubeconfigError(
        'file-reference',
        `user "${name}" points at a file (${key}); embed the data instead`,
      );
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    throw new KubeconfigError(
      'unsupported-auth',
      `user "${name}" uses an exec or auth-provider plugin, which would run a command on the hub; use a token or a client certificate`,
    );
  if (user.username !== undefined || user.password !== undefined)
    throw new KubeconfigError(
      'unsupported-auth',
      `user "${name}" uses basic auth; use a token or a client certificate`,
    );
  if (nonEmpty(user.token)) return { kind: 'token', token: user.token.trim() };
  const cert = user['client-certificate-data'];
  const key = user['client-key-data'];
  if (cert !== undefined || key !== undefined) {
    if (cert === undefined || key === undefined)
      throw new KubeconfigError(
        'missing-credentials',
        `user "${name}" needs both client-certificate-data and client-key-data`,
      );
    return {
      kind: 'client-certificate',
      certPem: pem(cert, `user "${name}" client-certificate-data`),
      keyPem: pem(key, `user "${name}" client-key-data`),
    };
  }
  throw new KubeconfigError('missing-credentials', `user "${name}" has no token and no client certificate`);
}

function pem(data: unknown, what: string): string {
  const text = typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : '';
  if (!/^-----BEGIN [A-Z ]+-----/m.test(text))
    throw new KubeconfigError('invalid-certificate', `${what} is not base64-encoded PEM`);
  return text;
}
