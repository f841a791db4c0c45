import { type INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { HttpExceptionFilter } from './common';
import type { AppConfig } from './config';
import { buildOpenApiDocument } from './openapi-document';

/** Builds the control plane; used by main.ts and by tests that run it in-process. */
export async function createControlPlane(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttp(app);
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app));
  return app;
}

/** Routes and the error filter: shared with the OpenAPI generator (scripts/openapi.ts), so paths agree. */
export function configureHttp(app: INestApplication): void {
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalFilters(new HttpExceptionFilter());
}
