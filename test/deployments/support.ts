/** A control plane with emulated sites registered and a city model published, for the deployment tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import {
  KubeEmulator,
  generateTlsMaterial,
  type KubeObject,
  type PodLifecycleHooks,
  type TlsMaterial,
} from '@polis/kube-emulator';
import { buildCityModels, type CityModelArtifact } from '@polis/onnx';
import { startInProcess } from '../support/control-plane';
import { type ApiReply, callApi } from '../support/http';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState } from '../support/services';
import { removeModelState } from '../models/registry-harness';

/** The serving certificate of every emulated site (its CA is in their kubeconfigs). */
export const tls: TlsMaterial = generateTlsMaterial();

export type SiteKind = 'traffic' | 'energy' | 'safety' | 'central';

export interface SiteSpec {
  id: string;
  kind: SiteKind;
  zone?: string;
  nodes?: number;
  cpu?: string;
  memory?: string;
  /** nvidia.com/gpu devices per node. */
  gpus?: number;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** The simulated kubelet's hooks, e.g. to run pods as real processes. */
  hooks?: PodLifecycleHooks;
}

/** An emulated site whose nodes carry the labels the k3s config gives them. */
export async function startSite(spec: SiteSpec): Promise<KubeEmulator> {
  const zone = spec.zone ?? 'north';
  const emulator = new KubeEmulator({
    name: spec.id,
    tls,
    podStartDelayMs: 20,
    hooks: spec.hooks,
    nodes: {
      count: spec.nodes ?? 2,
      template: {
        cpu: spec.cpu ?? '4',
        memory: spec.memory ?? '8Gi',
        ...(spec.gpus === undefined ? {} : { gpus: spec.gpus }),
        ...(spec.taints === undefined ? {} : { taints: spec.taints }),
        labels: {
          'polis.city/site': spec.id,
          'polis.city/site-kind': spec.kind,
          'polis.city/zone': zone,
          'topology.kubernetes.io/zone': zone,
        },
      },
    },
  });
  await emulator.start();
  return emulator;
}

export type Reply = ApiReply;

export class DeploymentHarness {
  readonly sites = new Map<string, KubeEmulator>();
  readonly models: CityModelArtifact[] = buildCityModels(42);

  readonly prefix: string;
  app: INestApplication;
  url: string;
  readonly nc: NatsConnection;
  private readonly database: string;
  private readonly uploadDir: string;
  private readonly env: Record<string, string>;

  private constructor(parts: {
    env: Record<string, string>;
    prefix: string;
    database: string;
    app: INestApplication;
    url: string;
    nc: NatsConnection;
    uploadDir: string;
  }) {
    ({
      env: this.env,
      prefix: this.prefix,
      database: this.database,
      app: this.app,
      url: this.url,
      nc: this.nc,
      uploadDir: this.uploadDir,
    } = parts);
  }

  static async start(label: string, extra: Record<string, string> = {}): Promise<DeploymentHarness> {
    const { prefix, database } = isolation(label);
    const uploadDir = await mkdtemp(join(tmpdir(), 'polis-deployments-'));
    const nc = await natsConnection();
    const env = {
      POLIS_KUBECONFIG_KEY: randomBytes(32).toString('base64'),
      MODEL_UPLOAD_DIR: uploadDir,
      SITE_MONITOR_INTERVAL_MS: '250',
      SITE_PROBE_TIMEOUT_MS: '1000',
      KUBE_REQUEST_TIMEOUT_MS: '1000',
      DEPLOYMENT_REPLAN_DEBOUNCE_MS: '100',
      POLIS_PUBLIC_URL: 'https://hub.polis.test',
      DEPLOYMENT_RUNNER_NATS_URL: 'nats://hub.polis.test:4222',
      ...extra,
    };
    const { app, url } = await startInProcess({
      prefix,
      influxUrl: `${INFLUX_BASE}/${database}`,
      extra: env,
    });
    return new DeploymentHarness({ env, prefix, database, app, url, nc, uploadDir });
  }

  /**
   * Stops the control plane and starts a new one on the same state (NATS buckets, key, sites); `whileDown`
   * runs in between, e.g. to leave the state a crash at a given moment would.
   */
  async restart(whileDown: () => Promise<void> = async () => {}): Promise<void> {
    await this.app.close();
    await whileDown();
    ({ app: this.app, url: this.url } = await startInProcess({
      prefix: this.prefix,
      influxUrl: `${INFLUX_BASE}/${this.database}`,
      extra: this.env,
    }));
  }

  async close(): Promise<void> {
    await this.app.close();
    await removeNatsState(this.nc, this.prefix);
    await removeModelState(this.nc, this.prefix);
    await this.nc.close();
    await Promise.all([...this.sites.values()].map((site) => site.stop()));
    await rm(this.uploadDir, { recursive: true, force: true });
    await fetch(`${INFLUX_BASE}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `DROP DATABASE "${this.database}"` }),
    }).catch(() => undefined);
  }

  async api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return callApi(this.url, method, path, body, headers);
  }

  /** Starts an emulated site and registers it with the control plane. */
  async addSite(spec: SiteSpec, labels: Record<string, string> = {}): Promise<KubeEmulator> {
    const emulator = await startSite(spec);
    this.sites.set(spec.id, emulator);
    const reply = await this.api('POST', '/sites', {
      id: spec.id,
      name: `Site ${spec.id}`,
      kind: spec.kind,
      coordinates: { lat: 45.07, lon: 7.68 },
      zone: spec.zone ?? 'north',
      labels,
      kubeconfig: emulator.kubeconfig('polis-models'),
    });
    if (reply.status !== 201) throw new Error(`site ${spec.id} not registered: ${reply.text}`);
    return emulator;
  }

  /** Publishes a city model (its real bytes and metadata), optionally under another version. */
  async publishModel(
    name: string,
    version?: string,
    patchMetadata: (metadata: CityModelArtifact['metadata']) => unknown = (m) => m,
  ): Promise<CityModelArtifact> {
    const model = this.models.find((m) => m.name === name);
    if (!model) throw new Error(`no city model ${name}`);
    const metadata = patchMetadata(structuredClone(model.metadata));
    const response = await fetch(`${this.url}/api/v1/models/${name}/versions/${version ?? model.version}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-polis-model-metadata': Buffer.from(JSON.stringify(metadata)).toString('base64url'),
      },
      body: model.bytes,
    });
    if (response.status !== 201 && response.status !== 200)
      throw new Error(`model ${name} not published: ${response.status} ${await response.text()}`);
    return model;
  }

  /** Polis's Deployments on a site, by name. */
  workloads(siteId: string): KubeObject[] {
    return this.site(siteId).list('apps', 'deployments', 'polis-models');
  }

  site(siteId: string): KubeEmulator {
    const site = this.sites.get(siteId);
    if (!site) throw new Error(`no site ${siteId}`);
    return site;
  }

  /** A series' value in the control plane's /metrics (0 when absent); labels are matched as given. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  async status(id: string): Promise<any> {
    const reply = await this.api('GET', `/deployments/${id}/status`);
    if (reply.status !== 200) throw new Error(`status of ${id}: ${reply.text}`);
    return reply.json;
  }
}

/** Everything about a Deployment object a test looks at. */
export function describeWorkload(object: KubeObject) {
  const metadata = object.metadata;
  const spec = object.spec as any;
  const template = spec?.template;
  return {
    name: metadata.name,
    uid: metadata.uid,
    labels: metadata.labels ?? {},
    annotations: metadata.annotations ?? {},
    replicas: spec?.replicas as number,
    version: template?.metadata?.annotations?.['polis.city/model-version'] as string | undefined,
    siteAffinity:
      template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchExpressions?.find(
        (e: any) => e.key === 'polis.city/site',
      )?.values,
    readyReplicas: (object.status as any)?.readyReplicas ?? 0,
  };
}

export { waitFor as eventually } from '../support/services';
