export { TelemetryModule } from './telemetry.module';
export { IngestService } from './ingest.service';
export { SensorKindRegistry } from './sensor-kind.registry';
