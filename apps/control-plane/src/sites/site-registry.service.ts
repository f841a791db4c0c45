import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry, QueuedIterator } from 'nats';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config';
import { PolisError, parseInput, parseStoredJson, throwIfDependencyDown } from '../common';
import { NatsClient } from '../nats';
import { KubeconfigCipher } from './kubeconfig-cipher';
import { SiteClusters } from './site-clusters';
import { SiteEvents } from './site-events';
import { zoneMismatch, type NodeLabels, type SiteWarning } from './site-zone';
import {
  patchSiteSchema,
  registerSiteSchema,
  replaceSiteSchema,
  siteIdSchema,
  type SiteDescription,
} from './site.schema';

/** What the bucket holds per site: the description and the kubeconfig, encrypted. */
const storedSiteSchema = registerSiteSchema.omit({ kubeconfig: true }).extend({
  kubeconfig: z.string().startsWith('v1.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type StoredSite = z.infer<typeof storedSiteSchema>;

export interface SiteRecord {
  site: SiteDescription;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** What a write answers: the record, and when its cluster was probed, what the probe found odd. */
export interface WrittenSite extends SiteRecord {
  /** Absent when the cluster was not called (an update that kept the kubeconfig). */
  warnings?: SiteWarning[];
}

export function siteBucket(prefix: string): string {
  return `${prefix}_sites`;
}

/**
 * The desired state of sites, in a JetStream key-value bucket: every control-plane instance sees the
 * same sites, and the bucket's revisions give optimistic concurrency (If-Match). Reads come from a
 * cache the bucket's watch keeps current. A kubeconfig is checked against its cluster before it is
 * stored, is stored encrypted, and is never returned.
 */
@Injectable()
export class SiteRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SiteRegistry.name);
  private readonly cache = new Map<string, { stored: StoredSite; revision: number }>();
  private kv!: KV;
  private watch?: QueuedIterator<KvEntry>;

  constructor(
    private readonly nats: NatsClient,
    private readonly clusters: SiteClusters,
    private readonly events: SiteEvents,
    @Inject(KubeconfigCipher) private readonly cipher: KubeconfigCipher | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await this.nats.jetstream.views.kv(siteBucket(this.config.nats.subjectPrefix), { history: 5 });
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    this.watch = await this.kv.watch({ key: '>', initializedFn: () => markReady() });
    void this.follow(this.watch);
    await ready;
    if (!this.cipher)
      this.logger.warn(
        { event: 'sites-read-only' },
        'POLIS_KUBECONFIG_KEY is not set: sites cannot be registered or updated',
      );
  }

  async onModuleDestroy(): Promise<void> {
    this.watch?.stop();
  }

  list(): SiteRecord[] {
    return [...this.cache.values()].map(toRecord).sort((a, b) => a.site.id.localeCompare(b.site.id));
  }

  get(id: string): SiteRecord {
    const entry = this.cache.get(id);
    if (!entry) throw new PolisError('not-found', `site "${id}" is not registered`);
    return toRecord(entry);
  }

  /** The decrypted kubeconfig of a site: for cluster clients only, never for a response or a log. */
  kubeconfigOf(id: string): string {
    const entry = this.cache.get(id);
    if (!entry) throw new PolisError('not-found', `site "${id}" is not registered`);
    return this.requireCipher().decrypt(id, entry.stored.kubeconfig);
  }

  async register(input: unknown): Promise<WrittenSite> {
    const cipher = this.requireCipher();
    const { kubeconfig, ...site } = parseInput(registerSiteSchema, input);
    if (this.cache.has(site.id)) throw new PolisError('conflict', `site "${site.id}" is already registered`);
    const { nodes } = await this.clusters.probe(site.id, kubeconfig);
    const now = new Date().toISOString();
    const stored: StoredSite = {
      ...site,
      kubeconfig: cipher.encrypt(site.id, kubeconfig),
      createdAt: now,
      updatedAt: now,
    };
    let record: SiteRecord;
    try {
      record = this.remember(stored, await this.kv.create(site.id, encode(stored)));
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError('conflict', `site "${site.id}" is already registered`, undefined, {
        cause: error,
      });
    }
    return { ...record, warnings: this.warnings(site, nodes) };
  }

  async replace(id: string, input: unknown, expectedRevision: number): Promise<WrittenSite> {
    const { kubeconfig, id: bodyId, ...site } = parseInput(replaceSiteSchema, input);
    if (bodyId !== undefined && bodyId !== id)
      throw new PolisError('invalid-input', `body names site "${bodyId}", path names "${id}"`);
    return this.write(id, { ...site, id }, kubeconfig, expectedRevision);
  }

  async patch(id: string, input: unknown, expectedRevision: number): Promise<WrittenSite> {
    const { kubeconfig, ...changes } = parseInput(patchSiteSchema, input);
    const current = this.get(id).site;
    return this.write(id, { ...current, ...changes }, kubeconfig, expectedRevision);
  }

  async remove(id: string, expectedRevision?: number): Promise<void> {
    this.get(id);
    try {
      await this.kv.delete(
        id,
        expectedRevision === undefined ? undefined : { previousSeq: expectedRevision },
      );
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError('conflict', `site "${id}" changed since revision ${expectedRevision}`, undefined, {
        cause: error,
      });
    }
    this.forget(id);
  }

  private async write(
    id: string,
    site: SiteDescription,
    kubeconfig: string | undefined,
    expectedRevision: number,
  ): Promise<WrittenSite> {
    const cipher = this.requireCipher();
    const current = this.cache.get(id);
    if (!current) throw new PolisError('not-found', `site "${id}" is not registered`);
    if (current.revision !== expectedRevision)
      throw new PolisError(
        'conflict',
        `site "${id}" is at revision ${current.revision}, not ${expectedRevision}`,
      );
    const probed = kubeconfig === undefined ? undefined : await this.clusters.probe(id, kubeconfig);
    const stored: StoredSite = {
      ...site,
      kubeconfig: kubeconfig === undefined ? current.stored.kubeconfig : cipher.encrypt(id, kubeconfig),
      createdAt: current.stored.createdAt,
      updatedAt: new Date().toISOString(),
    };
    let record: SiteRecord;
    try {
      record = this.remember(stored, await this.kv.update(id, encode(stored), expectedRevision));
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError('conflict', `site "${id}" changed since revision ${expectedRevision}`, undefined, {
        cause: error,
      });
    }
    return probed ? { ...record, warnings: this.warnings(site, probed.nodes) } : record;
  }

  /** Warnings about what a site's nodes say, each also logged: the operator may not read the answer. */
  warnings(site: SiteDescription, nodes: readonly NodeLabels[]): SiteWarning[] {
    const mismatch = zoneMismatch(site.id, site.zone, nodes);
    if (!mismatch) return [];
    this.logger.warn(
      { event: 'site-zone-mismatch', siteId: site.id, zone: site.zone, nodes: mismatch.nodes },
      mismatch.message,
    );
    return [mismatch];
  }

  private requireCipher(): KubeconfigCipher {
    if (!this.cipher)
      throw new PolisError('unavailable', 'sites cannot be written: POLIS_KUBECONFIG_KEY is not configured');
    return this.cipher;
  }

  /** Caches a write; events come from here or from the watch, whichever sees a revision first. */
  private remember(stored: StoredSite, revision: number): SiteRecord {
    const current = this.cache.get(stored.id);
    if (!current || current.revision < revision) {
      this.cache.set(stored.id, { stored, revision });
      this.events.emit({
        type: current ? 'updated' : 'registered',
        siteId: stored.id,
        revision,
        at: new Date().toISOString(),
      });
    }
    return toRecord({ stored, revision });
  }

  private forget(id: string): void {
    if (this.cache.delete(id))
      this.events.emit({ type: 'removed', siteId: id, at: new Date().toISOString() });
  }

  private async follow(watch: QueuedIterator<KvEntry>): Promise<void> {
    for await (const entry of watch) {
      if (entry.operation === 'DEL' || entry.operation === 'PURGE') {
        this.forget(entry.key);
        continue;
      }
      const parsed = storedSiteSchema.safeParse(parseStoredJson(entry.string()));
      if (parsed.success && siteIdSchema.safeParse(entry.key).success)
        this.remember(parsed.data, entry.revision);
      else this.logger.warn({ event: 'bad-site-entry', key: entry.key }, 'ignored an invalid site record');
    }
  }
}

function toRecord({ stored, revision }: { stored: StoredSite; revision: number }): SiteRecord {
  const { id, name, kind, coordinates, zone, labels, createdAt, updatedAt } = stored;
  return { site: { id, name, kind, coordinates, zone, labels }, revision, createdAt, updatedAt };
}

function encode(stored: StoredSite): Uint8Array {
  return Buffer.from(JSON.stringify(stored));
}
