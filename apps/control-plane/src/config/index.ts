export { loadConfig, retentionToMs, ConfigError, type AppConfig } from './config';
export { ConfigModule, APP_CONFIG } from './config.module';
