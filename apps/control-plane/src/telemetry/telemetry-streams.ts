import {
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  type StreamConfig,
  StorageType,
  nanos,
} from 'nats';
import { deadLetterSubject, telemetryWildcard } from '@polis/contracts';

export interface TelemetryStreamNames {
  telemetry: string;
  deadLetters: string;
  ingestConsumer: string;
}

export function streamNames(prefix: string): TelemetryStreamNames {
  const upper = prefix.toUpperCase().replace(/-/g, '_');
  return {
    telemetry: `${upper}_TELEMETRY`,
    deadLetters: `${upper}_DEADLETTER`,
    ingestConsumer: 'polis-ingest',
  };
}

const HOUR_MS = 3_600_000;

/**
 * The telemetry stream is the buffer that lets InfluxDB or the control plane be down without losing data:
 * 72 hours or 2 GiB, whichever comes first, after which the oldest readings go (documented in operations.md).
 */
function telemetryStream(prefix: string, names: TelemetryStreamNames): Partial<StreamConfig> {
  return {
    name: names.telemetry,
    subjects: [telemetryWildcard(prefix)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(72 * HOUR_MS),
    max_bytes: 2 * 1024 ** 3,
    duplicate_window: nanos(2 * 60_000),
  };
}

function deadLetterStream(prefix: string, names: TelemetryStreamNames): Partial<StreamConfig> {
  return {
    name: names.deadLetters,
    subjects: [`${deadLetterSubject(prefix).replace(/\.telemetry$/, '')}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(30 * 24 * HOUR_MS),
    max_msgs: 100_000,
  };
}

async function upsertStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  try {
    await jsm.streams.info(config.name!);
    await jsm.streams.update(config.name!, config);
  } catch (error) {
    if ((error as { code?: string }).code !== '404') throw error;
    await jsm.streams.add(config);
  }
}

export async function ensureTelemetryStreams(
  jsm: JetStreamManager,
  prefix: string,
): Promise<TelemetryStreamNames> {
  const names = streamNames(prefix);
  await upsertStream(jsm, telemetryStream(prefix, names));
  await upsertStream(jsm, deadLetterStream(prefix, names));
  return names;
}
