import type {
  Configuration,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  KubernetesObjectApi,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { FIELD_MANAGER, isOwnedByPolis } from '@polis/manifests';
import { toKubeRequestError } from './api-errors';
import { clientNode } from './client-node';
import { KubeRequestError } from './errors';
import { ResilientInformer } from './informer';
import { parseKubeconfig, type SiteKubeconfig } from './kubeconfig';
import { nodeInventory, type NodeInventory } from './node-inventory';
import { collectionPath, isKnownKind, knownResourceLists, resourceKind } from './resource-kinds';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';
import { Semaphore } from './semaphore';
import { ClusterTransport } from './transport';

export interface ClusterClientOptions {
  /** Deadline of each HTTP request. */
  timeoutMs: number;
  /** Requests in flight to this cluster at most. */
  maxInflight: number;
  /** Shared by every cluster of a pool: requests in flight in all. */
  globalLimit?: Semaphore;
  retry?: RetryPolicy;
}

export interface ClusterVersion {
  gitVersion: string;
  platform: string;
}

export type DeleteOutcome = 'deleted' | 'absent' | 'not-owned';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Pods the scheduler still charges to a node. */
const NON_TERMINATED_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

/**
 * Everything Polis does on one cluster, through @kubernetes/client-node: versions, node inventory,
 * server-side apply as field manager "polis", list, informers, and deletes that only ever remove
 * objects carrying the Polis ownership label. Every call has a deadline and is retried with backoff
 * when another attempt can help; see ClusterTransport for the HTTP side.
 */
export class ClusterClient {
  readonly kubeconfig: SiteKubeconfig;
  private readonly transport: ClusterTransport;
  private readonly objects: KubernetesObjectApi;
  private readonly discoveries = new Map<string, Promise<void>>();
  private readonly clientConfig: KubeConfig;
  private readonly apis: {
    core: InstanceType<ReturnType<typeof clientNode>['CoreV1Api']>;
    version: InstanceType<ReturnType<typeof clientNode>['VersionApi']>;
  };
  private readonly retry: RetryPolicy;
  private readonly informers = new Set<ResilientInformer<KubernetesObject>>();
  private requestCount = 0;
  private watchCount = 0;

  constructor(
    readonly name: string,
    kubeconfig: SiteKubeconfig | string,
    options: ClusterClientOptions,
  ) {
    this.kubeconfig = typeof kubeconfig === 'string' ? parseKubeconfig(kubeconfig) : kubeconfig;
    this.retry = options.retry ?? DEFAULT_RETRY;
    const limits = [
      new Semaphore(options.maxInflight),
      ...(options.globalLimit ? [options.globalLimit] : []),
    ];
    this.transport = new ClusterTransport({
      cluster: name,
      kubeconfig: this.kubeconfig,
      timeoutMs: options.timeoutMs,
      limits,
      onRequest: () => (this.requestCount += 1),
    });
    const k8s = clientNode();
    // No authMethods: the transport authenticates. client-node's would build a new agent per request.
    const configuration = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(this.kubeconfig.server, {}),
      httpApi: k8s.wrapHttpLibrary(this.transport),
    });
    this.objects = knownKindsObjectApi(configuration);
    this.apis = { core: new k8s.CoreV1Api(configuration), version: new k8s.VersionApi(configuration) };
    this.clientConfig = toClientNodeConfig(this.kubeconfig);
  }

  /** HTTP requests sent so far, and informer (re)connections (each a list and/or a watch). */
  get stats(): { requests: number; watches: number } {
    return { requests: this.requestCount, watches: this.watchCount };
  }

  async version(): Promise<ClusterVersion> {
    const info = await this.call(() => this.apis.version.getCode());
    return { gitVersion: info.gitVersion, platform: info.platform };
  }

  async nodes(): Promise<V1Node[]> {
    return (await this.call(() => this.apis.core.listNode({}))).items;
  }

  /** Pods that have not terminated, in every namespace. */
  async activePods(): Promise<V1Pod[]> {
    const list = await this.call(() =>
      this.apis.core.listPodForAllNamespaces({ fieldSelector: NON_TERMINATED_PODS }),
    );
    return list.items;
  }

  async inventory(): Promise<NodeInventory[]> {
    const [nodes, pods] = await Promise.all([this.nodes(), this.activePods()]);
    return nodeInventory(nodes, pods);
  }

  /** Server-side apply as field manager "polis", forcing ownership of the fields it sets. */
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    const k8s = clientNode();
    return this.afterDiscovery(object.apiVersion ?? '', object.kind ?? '', () =>
      this.call(() =>
        this.objects.patch(
          object,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          k8s.PatchStrategy.ServerSideApply,
        ),
      ),
    );
  }

  /**
   * client-node resolves a kind's REST path by asking the cluster (GET /api/v1, /apis/apps/v1) unless it knows
   * it: the kinds of RESOURCE_KINDS it is told up front (knownKindsObjectApi), so they cost no request. For any
   * other kind it caches the answer per apiVersion, but concurrent first calls all miss that cache; so the first
   * call of such an apiVersion goes alone and the others wait for it: one discovery request per apiVersion.
   */
  private afterDiscovery<T>(apiVersion: string, kind: string, run: () => Promise<T>): Promise<T> {
    if (isKnownKind(apiVersion, kind)) return run();
    const first = this.discoveries.get(apiVersion);
    if (first) return first.then(run, run);
    const attempt = run();
    this.discoveries.set(
      apiVersion,
      attempt.then(
        () => undefined,
        () => {
          this.discoveries.delete(apiVersion); // the next call tries again
        },
      ),
    );
    return attempt;
  }

  /** The live object, or undefined when there is none. */
  async read<T extends KubernetesObject>(ref: KubernetesObject): Promise<T | undefined> {
    return withRetry(() => this.readOnce<T>(ref), this.retry);
  }

  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    options: ListOptions = {},
  ): Promise<KubernetesListObject<T>> {
    return this.afterDiscovery(apiVersion, kind, () =>
      this.call(() =>
        this.objects.list<T>(
          apiVersion,
          kind,
          options.namespace,
          undefined,
          undefined,
          undefined,
          options.fieldSelector,
          options.labelSelector,
        ),
      ),
    );
  }

  /**
   * Deletes an object only if, when read, it carries the Polis ownership label; the delete is
   * conditional on that very version (uid and resourceVersion), so an object relabelled or replaced
   * in between is left alone. A lost race is retried from the read.
   */
  async deleteOwned(ref: KubernetesObject): Promise<DeleteOutcome> {
    return withRetry(async () => {
      const live = await this.readOnce(ref);
      if (!live) return 'absent';
      if (!isOwnedByPolis(live.metadata?.labels)) return 'not-owned';
      try {
        await this.once(() =>
          this.objects.delete(live, undefined, undefined, undefined, undefined, 'Background', {
            preconditions: { uid: live.metadata?.uid, resourceVersion: live.metadata?.resourceVersion },
          }),
        );
        return 'deleted';
      } catch (error) {
        if (error instanceof KubeRequestError && error.failure === 'not-found') return 'absent';
        throw error;
      }
    }, this.retry);
  }

  /** An informer over one kind, restarted with backoff when the cluster fails; call start() on it. */
  informer<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    options: Omit<ListOptions, 'fieldSelector'> = {},
  ): ResilientInformer<T> {
    const informer = new ResilientInformer<T>({
      kubeconfig: this.clientConfig,
      path: collectionPath(resourceKind(apiVersion, kind), options.namespace),
      labelSelector: options.labelSelector,
      list: () => this.list<T>(apiVersion, kind, options),
      backoff: this.retry,
      onConnect: () => (this.watchCount += 1),
    });
    this.informers.add(informer as unknown as ResilientInformer<KubernetesObject>);
    return informer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.informers].map((informer) => informer.stop()));
    this.informers.clear();
    this.transport.close();
  }

  private async readOnce<T extends KubernetesObject>(ref: KubernetesObject): Promise<T | undefined> {
    try {
      return await this.once(() =>
        this.objects.read<T>({
          apiVersion: ref.apiVersion ?? '',
          kind: ref.kind ?? '',
          metadata: { name: ref.metadata?.name ?? '', namespace: ref.metadata?.namespace },
        }),
      );
    } catch (error) {
      if (error instanceof KubeRequestError && error.failure === 'not-found') return undefined;
      throw error;
    }
  }

  private async once<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toKubeRequestError(error, this.name);
    }
  }

  private call<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(() => this.once(operation), this.retry);
  }
}

/**
 * client-node's KubernetesObjectApi with the resource lists of the kinds Polis manages already in its cache
 * (its protected `apiVersionResourceCache`), so applying, reading, listing and deleting them sends only the
 * requests the objects need. The class is made at run time: client-node is loaded lazily (see clientNode).
 */
function knownKindsObjectApi(configuration: Configuration): KubernetesObjectApi {
  const k8s = clientNode();
  class KnownKindsObjectApi extends k8s.KubernetesObjectApi {
    constructor(config: Configuration) {
      super(config);
      this.apiVersionResourceCache = knownResourceLists();
    }
  }
  return new KnownKindsObjectApi(configuration);
}

/** The same kubeconfig as a client-node KubeConfig: its Watch (under the informers) authenticates with it. */
function toClientNodeConfig(config: SiteKubeconfig): KubeConfig {
  const k8s = clientNode();
  const kubeConfig = new k8s.KubeConfig();
  const { credentials } = config;
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: config.cluster,
        server: config.server,
        caData: config.caPem === undefined ? undefined : Buffer.from(config.caPem).toString('base64'),
        skipTLSVerify: config.skipTlsVerify,
        tlsServerName: config.tlsServerName,
      },
    ],
    users: [
      credentials.kind === 'token'
        ? { name: config.user, token: credentials.token }
        : {
            name: config.user,
            certData: Buffer.from(credentials.certPem).toString('base64'),
            keyData: Buffer.from(credentials.keyPem).toString('base64'),
          },
    ],
    contexts: [
      { name: config.context, cluster: config.cluster, user: config.user, namespace: config.namespace },
    ],
    currentContext: config.context,
  });
  return kubeConfig;
}
