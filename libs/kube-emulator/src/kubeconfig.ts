/** Writes the kubeconfig clients use to reach one emulated cluster (CA pinned, bearer token). */
import { stringify } from 'yaml';

export interface KubeconfigInput {
  clusterName: string;
  server: string;
  caPem: string;
  token: string;
  namespace?: string;
}

export function renderKubeconfig(input: KubeconfigInput): string {
  const user = `${input.clusterName}-admin`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: input.clusterName,
        cluster: {
          server: input.server,
          'certificate-authority-data': Buffer.from(input.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [
      {
        name: input.clusterName,
        context: { cluster: input.clusterName, user, namespace: input.namespace ?? 'default' },
      },
    ],
    'current-context': input.clusterName,
  });
}
