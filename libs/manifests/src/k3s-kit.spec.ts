import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { minimalCpuInput } from './__golden__/cases';
import { parseModelWorkloadInput } from './input';
import { POLIS_MODELS_NAMESPACE } from './manifest';
import { renderModelWorkload } from './render';

// Checks the operator kit in k3s/ against what the renderer produces: it parses, and its RBAC grants
// Polis what applying the rendered objects needs and nothing cluster-wide but reading nodes.
const KIT_DIR = join(__dirname, '..', '..', '..', 'k3s');
const READ_VERBS = ['get', 'list', 'watch'];
const SITE_KINDS = ['traffic', 'energy', 'safety', 'central'];

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}
interface KubeDocument {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  rules?: Rule[];
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string }[];
}

function yamlFiles(): string[] {
  return readdirSync(KIT_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(KIT_DIR, file))
    .sort();
}

function parseFile(path: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const errors = documents.flatMap((doc) => ('errors' in doc ? doc.errors.map((e) => e.message) : []));
  if (errors.length > 0) throw new Error(`${relative(KIT_DIR, path)}: ${errors.join('; ')}`);
  return documents.map((doc) => doc.toJS() as unknown);
}

const manifests = yamlFiles()
  .filter((path) => path.includes(`${join(KIT_DIR, 'manifests')}`))
  .flatMap((path) => parseFile(path) as KubeDocument[]);
const ofKind = (kind: string) => manifests.filter((doc) => doc.kind === kind);

/** True when some Role rule in `namespace` allows `verb` on `resource` of `group` (optionally by name). */
function roleAllows(
  namespace: string,
  request: { group: string; resource: string; verb: string; name?: string },
) {
  const roles = ofKind('Role').filter((role) => role.metadata?.namespace === namespace);
  return roles.some((role) =>
    (role.rules ?? []).some(
      (rule) =>
        (rule.apiGroups ?? []).includes(request.group) &&
        (rule.resources ?? []).includes(request.resource) &&
        (rule.verbs ?? []).includes(request.verb) &&
        (rule.resourceNames === undefined ||
          (request.name !== undefined && rule.resourceNames.includes(request.name))),
    ),
  );
}

describe('k3s site kit', () => {
  it('has YAML files that all parse', () => {
    const files = yamlFiles();
    expect(files.map((file) => relative(KIT_DIR, file))).toEqual(
      expect.arrayContaining(['config.yaml', join('manifests', 'polis-edge.yaml')]),
    );
    for (const file of files) expect(parseFile(file).length).toBeGreaterThan(0);
  });

  it('gives every manifest an apiVersion, a kind and a name', () => {
    expect(manifests.length).toBeGreaterThan(0);
    for (const doc of manifests) {
      expect(doc).toEqual(
        expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String) }),
      );
      expect(doc.metadata?.name).toEqual(expect.any(String));
    }
  });

  it('grants nothing cluster-wide except reading nodes', () => {
    const clusterRoles = ofKind('ClusterRole');
    for (const rule of clusterRoles.flatMap((role) => role.rules ?? [])) {
      expect(rule.apiGroups).toEqual(['']);
      expect(rule.resources).toEqual(['nodes']);
      expect(READ_VERBS).toEqual(expect.arrayContaining(rule.verbs ?? ['missing']));
    }
    const nodeReaders = clusterRoles.map((role) => role.metadata?.name);
    for (const binding of ofKind('ClusterRoleBinding')) {
      expect(binding.roleRef?.kind).toBe('ClusterRole');
      expect(nodeReaders).toContain(binding.roleRef?.name);
    }
    // A RoleBinding to a ClusterRole (say "admin") would import a broad grant into the namespace.
    for (const binding of ofKind('RoleBinding')) expect(binding.roleRef?.kind).toBe('Role');
  });

  it('keeps Roles and their bindings inside the namespaces the kit creates for Polis', () => {
    const polisNamespaces = ofKind('Namespace').map((ns) => ns.metadata?.name);
    expect(polisNamespaces).toContain(POLIS_MODELS_NAMESPACE);
    for (const doc of [...ofKind('Role'), ...ofKind('RoleBinding'), ...ofKind('ServiceAccount')]) {
      expect(polisNamespaces).toContain(doc.metadata?.namespace);
    }
  });

  it('uses no wildcard and never touches secrets, RBAC or impersonation', () => {
    for (const rule of [...ofKind('Role'), ...ofKind('ClusterRole')].flatMap((role) => role.rules ?? [])) {
      const words = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...(rule.verbs ?? [])];
      expect(words).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
      expect(rule.apiGroups).not.toContain('rbac.authorization.k8s.io');
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['impersonate']));
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['escalate']));
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['bind']));
    }
  });

  it('lets the controller apply, watch and prune every object the renderer produces', () => {
    const resources: Record<string, { group: string; resource: string }> = {
      ConfigMap: { group: '', resource: 'configmaps' },
      Deployment: { group: 'apps', resource: 'deployments' },
      Service: { group: '', resource: 'services' },
    };
    const { owned, namespace } = renderModelWorkload(minimalCpuInput());
    const missing = owned.flatMap((object) => {
      const target = resources[object.kind];
      if (!target) return [`${object.kind}: no resource known`];
      return ['get', 'list', 'watch', 'create', 'patch', 'delete']
        .filter((verb) => !roleAllows(object.metadata.namespace ?? '', { ...target, verb }))
        .map((verb) => `${verb} ${target.resource}`);
    });
    expect(missing).toEqual([]);
    const onNamespace = { group: '', resource: 'namespaces', name: namespace.metadata.name };
    expect(roleAllows(namespace.metadata.name, { ...onNamespace, verb: 'patch' })).toBe(true);
    expect(roleAllows(namespace.metadata.name, { ...onNamespace, name: 'kube-system', verb: 'patch' })).toBe(
      false,
    );
    expect(roleAllows(namespace.metadata.name, { ...onNamespace, verb: 'delete' })).toBe(false);
  });

  it('binds the Role and the node reader to the controller account', () => {
    const [account] = ofKind('ServiceAccount');
    const subject = {
      kind: 'ServiceAccount',
      name: account?.metadata?.name,
      namespace: account?.metadata?.namespace,
    };
    expect(subject.name).toBe('polis-controller');
    for (const binding of [...ofKind('RoleBinding'), ...ofKind('ClusterRoleBinding')]) {
      expect(binding.subjects).toEqual([subject]);
    }
  });

  it('enforces the same Pod Security level on polis-models as the rendered namespace', () => {
    const kit = ofKind('Namespace').find((ns) => ns.metadata?.name === POLIS_MODELS_NAMESPACE);
    const rendered = renderModelWorkload(minimalCpuInput()).namespace;
    const podSecurity = (labels: Record<string, string> | undefined) =>
      Object.entries(labels ?? {}).filter(([key]) => key.startsWith('pod-security.kubernetes.io/'));
    expect(podSecurity(kit?.metadata?.labels)).toEqual(podSecurity(rendered.metadata.labels));
    expect(podSecurity(kit?.metadata?.labels)).not.toEqual([]);
  });
});

describe('k3s/config.yaml', () => {
  const [config] = parseFile(join(KIT_DIR, 'config.yaml')) as Record<string, unknown>[];
  const nodeLabels = new Map(
    ((config?.['node-label'] as string[] | undefined) ?? []).map(
      (entry) => entry.split('=') as [string, string],
    ),
  );

  it('keeps the admin kubeconfig private and drops the ingress and load balancer', () => {
    expect(config?.['write-kubeconfig-mode']).toBe('0600');
    expect(config?.disable).toEqual(expect.arrayContaining(['traefik', 'servicelb']));
  });

  it('labels the node with what Polis reads, with values Polis accepts', () => {
    for (const key of [
      'polis.city/site',
      'polis.city/site-kind',
      'polis.city/zone',
      'topology.kubernetes.io/zone',
    ]) {
      expect(nodeLabels.get(key)).toEqual(expect.any(String));
    }
    expect(SITE_KINDS).toContain(nodeLabels.get('polis.city/site-kind'));
    const siteId = nodeLabels.get('polis.city/site');
    expect(() => parseModelWorkloadInput({ ...minimalCpuInput(), siteId })).not.toThrow();
  });
});
