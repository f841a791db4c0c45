import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type AppConfig, ConfigModule } from './config';
import { DeploymentsModule } from './deployments';
import { EdgeModule } from './edge';
import { HealthModule } from './health';
import { MetricsModule } from './metrics';
import { ModelsModule } from './models';
import { NatsModule } from './nats';
import { RedisModule } from './redis';
import { SitesModule } from './sites';
import { TelemetryModule } from './telemetry';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', '*.kubeconfig', '*.token'],
            // Method, path and status are enough to trace a request; headers and bodies stay out of logs.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
        }),
        MetricsModule,
        NatsModule,
        RedisModule,
        SitesModule,
        TelemetryModule,
        ModelsModule,
        DeploymentsModule,
        EdgeModule,
        HealthModule,
      ],
    };
  }
}
