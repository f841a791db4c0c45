export { MetricsModule, MetricsRegistry } from './metrics.module';
