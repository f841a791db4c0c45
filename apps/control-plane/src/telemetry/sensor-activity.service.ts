import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { KV } from 'nats';
import type { TelemetryAddress } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import {
  activityKey,
  SensorActivity,
  type SensorActivityRecord,
  type SensorActivityView,
  type SiteActivityView,
} from './sensor-activity';

const PERSIST_EVERY_MS = 5_000;

/** Sites and sensors seen, kept in memory and written behind to a KV bucket so a restart keeps first-seen. */
@Injectable()
export class SensorActivityService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SensorActivityService.name);
  private readonly activity = new SensorActivity();
  private kv!: KV;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await this.nats.jetstream.views.kv(`${this.config.nats.subjectPrefix}_sensors`, { history: 1 });
    const keys = await this.kv.keys();
    for await (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry && entry.operation === 'PUT') this.activity.restore(entry.json<SensorActivityRecord>());
    }
    this.timer = setInterval(() => void this.persist(), PERSIST_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.persist();
  }

  record(address: TelemetryAddress, now: number): void {
    this.activity.record(address, now);
  }

  sites(): SiteActivityView[] {
    return this.activity.sites(Date.now());
  }

  sensors(siteId?: string): SensorActivityView[] {
    return this.activity.sensors(Date.now(), siteId);
  }

  private async persist(): Promise<void> {
    const changed = this.activity.takeDirty();
    try {
      await Promise.all(changed.map((r) => this.kv.put(activityKey(r), Buffer.from(JSON.stringify(r)))));
    } catch (error) {
      // Bookkeeping only: a lost write costs at most a few seconds of activity statistics.
      this.logger.warn({
        event: 'activity-persist-failed',
        err: (error as Error).message,
        sensors: changed.length,
      });
    }
  }
}
