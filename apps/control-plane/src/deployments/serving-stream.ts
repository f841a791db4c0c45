import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import { servingStream } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';

/**
 * The stream that makes "one result per reading" hold: it captures what runners publish on the serving
 * subjects, refuses a second copy of a window (same `Nats-Msg-Id` within the duplicate window), and
 * republishes what it stored onto the public subjects. File storage, because a memory stream does not
 * survive a restart of nats-server (2.9.10, measured) and results would then go nowhere; writes are not
 * synced per message, so the cost is small. Messages are kept no longer than the duplicate window.
 */
export function servingStreamConfig(prefix: string): Partial<StreamConfig> {
  const spec = servingStream(prefix);
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(spec.duplicateWindowMs),
    duplicate_window: nanos(spec.duplicateWindowMs),
    max_bytes: 256 * 1024 ** 2,
    republish: { src: spec.republish.src, dest: spec.republish.dest },
  };
}

/** Creates the serving stream, or brings an existing one to these settings. */
export async function ensureServingStream(jsm: JetStreamManager, prefix: string): Promise<string> {
  const config = servingStreamConfig(prefix);
  const name = config.name!;
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (error) {
    if ((error as { code?: string }).code !== '404') throw error;
    await jsm.streams.add(config);
  }
  return name;
}

/** Makes sure the serving stream exists before any runner is deployed. */
@Injectable()
export class ServingStream implements OnModuleInit {
  private readonly logger = new Logger(ServingStream.name);

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const name = await ensureServingStream(this.nats.manager, this.config.nats.subjectPrefix);
    this.logger.log({ event: 'serving-stream', stream: name });
  }
}
