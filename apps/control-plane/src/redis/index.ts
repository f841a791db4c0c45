export { RedisClient, RedisModule } from './redis.module';
