import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config';

/** Shared Redis connection for health checks; BullMQ queues open their own from the same URL. */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  constructor(readonly redis: Redis) {}

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: RedisClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new RedisClient(new Redis(config.redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 })),
    },
  ],
  exports: [RedisClient],
})
export class RedisModule {}
