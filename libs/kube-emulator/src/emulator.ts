/**
 * One emulated Kubernetes cluster: an HTTPS API server on 127.0.0.1 backed by an in-memory store,
 * with simulated controllers, scheduler and kubelets, and switches for injecting faults.
 * It identifies itself as the Polis kube-emulator in /version and in a response header.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ApiError } from './model/api-error';
import { deepClone } from './model/json';
import { ResourceCatalog, type ResourceType } from './model/resources';
import type { KubeObject } from './model/types';
import { ResourceStorage, timestamp } from './registry/storage';
import { ObjectStore } from './store/object-store';
import { ApiHandler } from './server/api-handler';
import { FaultInjector, type FaultRequest, type FaultResult, type FaultSnapshot } from './server/faults';
import type { PodLogSource } from './server/pod-logs';
import { WatchHub } from './server/watch-stream';
import { ClusterSimulator, type PodLifecycleHooks } from './controllers/cluster-simulator';
import { controllerContext } from './controllers/context';
import { isNodeReady, nodeObject, withReadiness, type NodeTemplate } from './controllers/nodes';
import { renderKubeconfig } from './kubeconfig';
import { generateTlsMaterial, type TlsMaterial } from './tls';

export interface KubeEmulatorOptions {
  /** Cluster name, used in kubeconfig and node names. Default "emulated". */
  name?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one, which later restarts reuse. */
  port?: number;
  /** Bearer token clients must present; random by default. */
  token?: string;
  /** Serving certificate; generated when absent. Share one across clusters in a process. */
  tls?: TlsMaterial;
  /** Nodes created at start: a count of identical nodes, or one template per node. */
  nodes?: { count: number; template?: NodeTemplate } | NodeTemplate[];
  /** Delay between a pod being bound and it turning Running/Ready. Default 100 ms. */
  podStartDelayMs?: number;
  hooks?: PodLifecycleHooks;
  /** Where the containers' output is when `hooks` run them for real: serves `kubectl logs`. */
  podLogs?: PodLogSource;
  /** How many changes watches can resume across before 410 Expired. Default 10,000. */
  historyLimit?: number;
  /** Unexpected internal errors (bugs), for logging. Default: ignored. */
  onError?: (error: unknown) => void;
  clock?: () => Date;
}

export const DEFAULT_NODE_TEMPLATE: NodeTemplate = {
  cpu: '4',
  memory: '16Gi',
  instanceType: 'emulated.standard',
};
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class KubeEmulator {
  readonly name: string;
  readonly token: string;
  readonly faults = new FaultInjector();
  private readonly tls: TlsMaterial;
  private readonly store: ObjectStore;
  private readonly storage: ResourceStorage;
  private readonly catalog = new ResourceCatalog();
  private readonly watches = new WatchHub();
  private readonly simulator: ClusterSimulator;
  private readonly handler: ApiHandler;
  private readonly clock: () => Date;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort: number;
  /** Between start() and stop(): the simulated cluster runs, whether or not its API listens. */
  private started = false;
  private refusing = false;
  private partitioned = false;
  /** While partitioned: a TCP listener on the API's port that accepts connections and never answers. */
  private blackhole: { server: TcpServer; sockets: Set<Socket> } | undefined;
  /** start, stop and the refused switch open and close the listener one after another. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(options: KubeEmulatorOptions = {}) {
    this.name = options.name ?? 'emulated';
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.tls = options.tls ?? generateTlsMaterial();
    this.boundPort = options.port ?? 0;
    this.clock = options.clock ?? (() => new Date());
    this.store = new ObjectStore(options.historyLimit);
    this.storage = new ResourceStorage(this.store, this.catalog, this.clock);
    const onError = options.onError ?? (() => undefined);
    this.simulator = new ClusterSimulator(
      controllerContext(this.storage, () => timestamp(this.clock())),
      this.store,
      {
        podStartDelayMs: options.podStartDelayMs ?? 100,
        hooks: options.hooks ?? {},
        onError,
      },
    );
    this.handler = new ApiHandler({
      catalog: this.catalog,
      storage: this.storage,
      store: this.store,
      faults: this.faults,
      watches: this.watches,
      token: this.token,
      serverAddress: () => `127.0.0.1:${this.boundPort}`,
      faultSwitches: {
        state: () => this.faultState(),
        apply: (request) => this.applyFaults(request),
      },
      clock: this.clock,
      podLogs: options.podLogs,
      onInternalError: onError,
    });
    this.bootstrap(options.nodes ?? { count: 1 });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `https://127.0.0.1:${this.boundPort}`;
  }

  /** PEM of the serving certificate, i.e. the CA clients must trust. */
  get caPem(): string {
    return this.tls.cert;
  }

  /** True while the API listens (started and not refusing connections). */
  get running(): boolean {
    return this.server !== undefined;
  }

  /** Starts serving (again) on the same port with the same state; not while connections are refused. */
  start(): Promise<void> {
    return this.transition(async () => {
      if (this.started) return;
      this.started = true;
      try {
        await this.settleListener();
      } catch (error) {
        this.started = false;
        throw error;
      }
      this.simulator.start();
    });
  }

  /** Stops serving: open connections and watches are cut, clients get connection refused. State is kept. */
  stop(): Promise<void> {
    return this.transition(async () => {
      if (!this.started) return;
      this.started = false;
      this.simulator.stop();
      this.watches.dropAll();
      await this.settleListener();
    });
  }

  /** What listens on the API's port: the API, a black hole (partitioned), or nothing (stopped, refused). */
  private async settleListener(): Promise<void> {
    const wanted = !this.started || this.refusing ? 'nothing' : this.partitioned ? 'blackhole' : 'api';
    if (wanted !== 'api') await this.close();
    if (wanted !== 'blackhole') await this.closeBlackhole();
    if (wanted === 'api') await this.listen();
    if (wanted === 'blackhole') await this.openBlackhole();
  }

  private async openBlackhole(): Promise<void> {
    if (this.blackhole) return;
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.blackhole = { server, sockets };
  }

  private async closeBlackhole(): Promise<void> {
    const blackhole = this.blackhole;
    if (!blackhole) return;
    this.blackhole = undefined;
    const closed = new Promise<void>((resolve) => blackhole.server.close(() => resolve()));
    for (const socket of blackhole.sockets) socket.destroy();
    await closed;
  }

  private transition(step: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(step);
    this.transitions = next.catch(() => undefined);
    return next;
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer({ key: this.tls.key, cert: this.tls.cert }, this.handler.listener);
    server.keepAliveTimeout = 30_000;
    server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  kubeconfig(namespace = 'default'): string {
    return renderKubeconfig({
      clusterName: this.name,
      server: this.url,
      caPem: this.tls.cert,
      token: this.token,
      namespace,
    });
  }

  async writeKubeconfig(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, this.kubeconfig(), { mode: 0o600 });
  }

  // ---- fault switches -------------------------------------------------------------------------

  /**
   * While set, the API does not listen: connections are refused, open ones (watches too) are cut.
   * The simulated cluster keeps running, as a site's nodes do when its API server is unreachable.
   * Cleared on the admin listener (`EmulatorAdminServer`), in code, or by `clearFaults()`.
   */
  setRefused(refused: boolean): Promise<void> {
    return this.transition(async () => {
      this.refusing = refused;
      await this.settleListener();
    });
  }

  /**
   * While set, the API's port accepts connections and never answers (a TCP black hole), as across a network
   * partition: clients wait for their deadline. Open connections and watches are cut when it is set. The
   * simulated cluster keeps running. Cleared like `refused` (the admin listener, in code, `clearFaults()`).
   */
  setPartitioned(partitioned: boolean): Promise<void> {
    return this.transition(async () => {
      this.partitioned = partitioned;
      await this.settleListener();
    });
  }

  /** While set, every API request is answered 503 (health checks too). */
  setUnavailable(unavailable: boolean): void {
    this.faults.setUnavailable(unavailable);
  }

  /** The next `requests` API requests get 429 TooManyRequests with Retry-After. */
  throttle(requests: number, retryAfterSeconds = 1): void {
    this.faults.throttle(requests, retryAfterSeconds);
  }

  /** The next `writes` create/update/patch/delete requests get 409 Conflict. */
  conflictWrites(writes: number): void {
    this.faults.conflictWrites(writes);
  }

  /** Ends every open watch stream; returns how many were open. */
  dropWatches(): number {
    return this.watches.dropAll();
  }

  /** How many watch streams are open (tests wait for a client's watch to be established). */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Forgets watch history: resuming from an older resourceVersion then gets 410 Expired. */
  compactHistory(): void {
    this.store.compact();
  }

  /** Marks a node NotReady (tainted, its pods unready) or Ready again. */
  setNodeReady(node: string, ready: boolean): void {
    const type = this.type('', 'nodes');
    const current = this.storage.get(type, undefined, node);
    if (isNodeReady(current) === ready) return;
    const now = timestamp(this.clock());
    const next = withReadiness(current, ready, now);
    this.storage.mutate(type, undefined, node, (object) => ({ ...object, spec: next.spec }), {});
    this.storage.mutate(type, undefined, node, (object) => ({ ...object, status: next.status }), {
      subresource: 'status',
    });
  }

  /** Clears the request faults and lets connections in again (NotReady nodes stay as they are). */
  async clearFaults(): Promise<void> {
    this.faults.clear();
    await this.setRefused(false);
    await this.setPartitioned(false);
  }

  faultState(): FaultSnapshot {
    return { ...this.faults.snapshot(), refused: this.refusing, partitioned: this.partitioned };
  }

  /** Applies a request of `POST /emulator/faults` (already validated), in the documented order. */
  async applyFaults(request: FaultRequest): Promise<FaultResult> {
    if (request.clear) this.faults.clear();
    if (request.unavailable !== undefined) this.faults.setUnavailable(request.unavailable);
    if (request.throttle) this.faults.throttle(request.throttle.requests, request.throttle.retryAfterSeconds);
    if (request.conflicts !== undefined) this.faults.conflictWrites(request.conflicts);
    if (request.compactHistory) this.compactHistory();
    if (request.nodeReady) this.setNodeReady(request.nodeReady.node, request.nodeReady.ready);
    const droppedWatches = request.dropWatches ? this.dropWatches() : undefined;
    const refused = request.refused ?? (request.clear ? false : undefined);
    if (refused !== undefined) await this.setRefused(refused);
    const partitioned = request.partitioned ?? (request.clear ? false : undefined);
    if (partitioned !== undefined) await this.setPartitioned(partitioned);
    return { ...this.faultState(), ...(droppedWatches !== undefined ? { droppedWatches } : {}) };
  }

  // ---- direct state access (tests, the lead's runtime hooks) ---------------------------------------

  /** Objects of a resource, e.g. list('', 'pods', 'default') or list('apps', 'deployments'). */
  list(group: string, plural: string, namespace?: string): KubeObject[] {
    return this.storage.list(this.type(group, plural), namespace).map((object) => deepClone(object));
  }

  get(group: string, plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.storage.find(this.type(group, plural), namespace, name);
    return object && deepClone(object);
  }

  nodeNames(): string[] {
    return this.list('', 'nodes').map((node) => node.metadata.name ?? '');
  }

  /** True when the controllers have nothing queued and no pod is waiting to start. */
  get settled(): boolean {
    return this.simulator.idle;
  }

  private type(group: string, plural: string): ResourceType {
    const type = this.catalog.find(group, 'v1', plural);
    if (!type) throw ApiError.pathNotFound(`${group}/${plural}`);
    return type;
  }

  private bootstrap(nodes: NonNullable<KubeEmulatorOptions['nodes']>): void {
    const namespaces = this.type('', 'namespaces');
    for (const name of SYSTEM_NAMESPACES) {
      this.storage.create(namespaces, undefined, { metadata: { name } }, {});
    }
    const templates = Array.isArray(nodes)
      ? nodes
      : Array.from({ length: nodes.count }, () => nodes.template ?? DEFAULT_NODE_TEMPLATE);
    const now = timestamp(this.clock());
    templates.forEach((template, index) => {
      const name = `${this.name}-node-${String(index + 1).padStart(2, '0')}`;
      this.storage.create(this.type('', 'nodes'), undefined, nodeObject(name, index, template, now), {});
    });
  }
}
