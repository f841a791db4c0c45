import {
  DiscardPolicy,
  type JetStreamManager,
  type NatsConnection,
  RetentionPolicy,
  type StreamConfig,
  type StreamSource,
  StorageType,
  nanos,
} from 'nats';
import {
  DEFAULT_DATA_WINDOW,
  siteDomain,
  siteStreamName,
  siteStreamSubjects,
  type SiteDataWindow,
} from '@polis/contracts';
import { streamNames } from '../telemetry/telemetry-streams';
import { type HubSourcePlan, sameSources } from './hub-sources';

const HOUR_MS = 3_600_000;

/** The hub stream the rollups of `rollup` sites are sourced into (it has no subjects of its own). */
export function rollupStreamName(prefix: string): string {
  return `${prefix.toUpperCase().replace(/-/g, '_')}_ROLLUPS`;
}

/**
 * Writes a plan onto the hub's streams: the telemetry stream's sources (the stream itself is
 * ensureTelemetryStreams'), and the rollup stream, created on first use. A stream update changes its
 * sources live: a removed source stops at once, an added one starts where JetStream last left it for that
 * source (or at the start of the site's window). Returns the names of the streams it changed.
 */
export async function applyHubSources(
  jsm: JetStreamManager,
  prefix: string,
  plan: HubSourcePlan,
): Promise<string[]> {
  const changed: string[] = [];
  const telemetry = streamNames(prefix).telemetry;
  const current = await jsm.streams.info(telemetry);
  if (!sameSources(current.config.sources, plan.telemetry)) {
    await jsm.streams.update(telemetry, { ...current.config, sources: plan.telemetry as StreamSource[] });
    changed.push(telemetry);
  }
  const rollups = rollupStreamName(prefix);
  const existing = await jsm.streams.info(rollups).catch((error: { code?: string }) => {
    if (error.code === '404') return undefined;
    throw error;
  });
  if (!existing) {
    if (plan.rollups.length === 0) return changed;
    await jsm.streams.add(rollupStream(rollups, plan));
    changed.push(rollups);
  } else if (!sameSources(existing.config.sources, plan.rollups)) {
    await jsm.streams.update(rollups, { ...existing.config, sources: plan.rollups as StreamSource[] });
    changed.push(rollups);
  }
  return changed;
}

function rollupStream(name: string, plan: HubSourcePlan): Partial<StreamConfig> {
  return {
    name,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(72 * HOUR_MS),
    max_bytes: 1024 ** 3,
    sources: plan.rollups as StreamSource[],
  };
}

/**
 * Creates or updates a site's stream in the site's own JetStream domain (through the hub, across the leaf
 * connection): its raw readings, rollups, results, decisions and heartbeats, bounded by its data window.
 */
export async function ensureSiteStream(
  nc: NatsConnection,
  prefix: string,
  siteId: string,
  window: SiteDataWindow = DEFAULT_DATA_WINDOW,
): Promise<void> {
  const jsm = await nc.jetstreamManager({ domain: siteDomain(siteId) });
  const config: Partial<StreamConfig> = {
    name: siteStreamName(prefix, siteId),
    subjects: siteStreamSubjects(prefix, siteId),
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(window.maxAgeHours * HOUR_MS),
    max_bytes: window.maxBytes,
  };
  const found = await jsm.streams.info(config.name!).catch((error: { code?: string }) => {
    if (error.code === '404') return undefined;
    throw error;
  });
  if (found) await jsm.streams.update(config.name!, { ...found.config, ...config });
  else await jsm.streams.add(config);
}
