import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { TelemetryStore } from '@polis/telemetry-store';
import { ApiJsonResponse, apiSchema } from '../common';
import { NatsClient } from '../nats';
import { RedisClient } from '../redis';

const check = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().int(),
  error: z.string().optional().describe('why the check failed'),
});
type Check = z.infer<typeof check>;
const healthReport = apiSchema(
  'Health',
  z.object({
    status: z.enum(['ok', 'degraded']),
    checks: z.object({ nats: check, redis: check, influxdb: check }),
  }),
);
const CHECK_TIMEOUT_MS = 2_000;

async function timed(probe: () => Promise<boolean>): Promise<Check> {
  const started = performance.now();
  try {
    const ok = await Promise.race([
      probe(),
      new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)),
    ]);
    return { status: ok ? 'up' : 'down', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: (error as Error).message,
    };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly nats: NatsClient,
    private readonly redis: RedisClient,
    private readonly influx: TelemetryStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'NATS, Redis and InfluxDB each checked; 503 when any is down' })
  @ApiJsonResponse(200, healthReport, 'every dependency is up')
  @ApiJsonResponse(503, healthReport, 'at least one dependency is down: `checks` says which')
  async health(@Res({ passthrough: true }) response: Response): Promise<z.infer<typeof healthReport>> {
    const [nats, redis, influxdb] = await Promise.all([
      timed(async () => (await this.nats.rttMs()) >= 0),
      timed(() => this.redis.ping()),
      timed(() => this.influx.ping(CHECK_TIMEOUT_MS)),
    ]);
    const checks = { nats, redis, influxdb };
    const healthy = Object.values(checks).every((c) => c.status === 'up');
    response.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: healthy ? 'ok' : 'degraded', checks };
  }
}
