import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from './nats.client';

@Global()
@Module({
  providers: [
    {
      provide: NatsClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => NatsClient.connect(config.nats.url, 'polis-control-plane'),
    },
  ],
  exports: [NatsClient],
})
export class NatsModule {}
