export { NatsClient } from './nats.client';
export { NatsModule } from './nats.module';
