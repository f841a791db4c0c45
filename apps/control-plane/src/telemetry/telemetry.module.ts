import { Module } from '@nestjs/common';
import { TelemetryStore } from '@polis/telemetry-store';
import { APP_CONFIG, type AppConfig } from '../config';
import { DeadLetterService } from './dead-letters.service';
import { IngestController } from './ingest.controller';
import { IngestMetrics } from './ingest.metrics';
import { IngestService } from './ingest.service';
import { LiveTelemetryService } from './live-telemetry.service';
import { ReadingWriter } from './reading-writer';
import { SensorActivityService } from './sensor-activity.service';
import { SensorKindRegistry } from './sensor-kind.registry';
import { SensorKindsController } from './sensor-kinds.controller';
import { TelemetryController } from './telemetry.controller';
import { TelemetryTriage } from './telemetry-triage';

@Module({
  providers: [
    {
      provide: TelemetryStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new TelemetryStore({
          url: config.influx.url,
          rawRetention: config.influx.retention,
          rollupRetention: config.influx.rollupRetention,
        }),
    },
    IngestMetrics,
    SensorKindRegistry,
    DeadLetterService,
    SensorActivityService,
    ReadingWriter,
    TelemetryTriage,
    IngestService,
    LiveTelemetryService,
  ],
  controllers: [TelemetryController, IngestController, SensorKindsController],
  exports: [TelemetryStore, IngestService, SensorKindRegistry],
})
export class TelemetryModule {}
