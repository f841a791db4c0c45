import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';

/** One NATS connection per process, shared by every module; drained on shutdown so nothing in flight is lost. */
@Injectable()
export class NatsClient implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsClient.name);

  private constructor(
    readonly connection: NatsConnection,
    readonly jetstream: JetStreamClient,
    readonly manager: JetStreamManager,
  ) {}

  static async connect(url: string, name: string): Promise<NatsClient> {
    const connection = await connect({
      servers: url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    const manager = await connection.jetstreamManager();
    const client = new NatsClient(connection, connection.jetstream(), manager);
    client.logStatus();
    return client;
  }

  async rttMs(): Promise<number> {
    return this.connection.rtt();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }

  private logStatus(): void {
    void (async () => {
      for await (const status of this.connection.status()) {
        if (String(status.type) === 'pingTimer') continue;
        this.logger.log({ event: 'nats-status', type: status.type, data: JSON.stringify(status.data) });
      }
    })();
  }
}
