import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { KV } from 'nats';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import type { RolloutState } from './rollout';

export function rolloutBucket(prefix: string): string {
  return `${prefix}_deployment_rollouts`;
}

/**
 * Where each deployment's rollout stands, kept in a key-value bucket so a restarted control plane goes on
 * where it was (which sites are on the new version, a rollback) instead of rolling everything at once.
 * Reads are served from memory; writes go through to the bucket in the order they were made.
 */
@Injectable()
export class RolloutStore implements OnModuleInit {
  private readonly logger = new Logger(RolloutStore.name);
  private readonly states = new Map<string, RolloutState>();
  private kv!: KV;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await this.nats.jetstream.views.kv(rolloutBucket(this.config.nats.subjectPrefix), {
      history: 1,
      description: 'Polis deployments: rollout progress',
    });
    for await (const key of await this.kv.keys()) {
      const entry = await this.kv.get(key);
      if (entry?.operation === 'PUT') this.states.set(key, entry.json<RolloutState>());
    }
  }

  get(id: string): RolloutState | undefined {
    return this.states.get(id);
  }

  set(id: string, state: RolloutState): void {
    if (this.states.get(id) === state) return;
    this.states.set(id, state);
    this.enqueue(() => this.kv.put(id, Buffer.from(JSON.stringify(state))), id);
  }

  delete(id: string): void {
    if (!this.states.delete(id)) return;
    this.enqueue(() => this.kv.delete(id), id);
  }

  /** Resolves once every write made so far reached the bucket. */
  async flushed(): Promise<void> {
    await this.writes;
  }

  private enqueue(write: () => Promise<unknown>, id: string): void {
    this.writes = this.writes
      .then(write)
      .catch((error: unknown) =>
        this.logger.warn({ event: 'rollout-not-stored', deploymentId: id, error: String(error) }),
      );
  }
}
