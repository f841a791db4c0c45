import { Controller, Get, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import { TOKEN_PATTERN } from '@polis/contracts';
import { AGGREGATIONS, type SeriesQuery, seriesQuerySchema, TelemetryStore } from '@polis/telemetry-store';
import { ZodValidationPipe } from '../common';
import { LiveTelemetryService } from './live-telemetry.service';
import { SensorActivityService } from './sensor-activity.service';

const siteFilterSchema = z.object({ site: z.string().regex(TOKEN_PATTERN).optional() }).strict();
const liveFilterSchema = z
  .object({
    site: z.string().regex(TOKEN_PATTERN).optional(),
    kind: z.string().regex(TOKEN_PATTERN).optional(),
  })
  .strict();

@ApiTags('telemetry')
@Controller('telemetry')
export class TelemetryController {
  constructor(
    private readonly activity: SensorActivityService,
    private readonly store: TelemetryStore,
    private readonly live: LiveTelemetryService,
  ) {}

  @Get('sites')
  @ApiOperation({ summary: 'Sites that have sent telemetry: sensors, first and last seen, message rate' })
  sites() {
    return { items: this.activity.sites() };
  }

  @Get('sensors')
  @ApiOperation({ summary: 'Sensors seen, optionally of one site' })
  @ApiQuery({ name: 'site', required: false })
  sensors(@Query(new ZodValidationPipe(siteFilterSchema)) query: z.infer<typeof siteFilterSchema>) {
    return { items: this.activity.sensors(query.site) };
  }

  @Get('series')
  @ApiOperation({ summary: 'A time series of one site (or one sensor), raw or aggregated per window' })
  @ApiQuery({ name: 'kind', description: 'sensor kind (InfluxDB measurement)' })
  @ApiQuery({ name: 'site' })
  @ApiQuery({ name: 'sensor', required: false })
  @ApiQuery({ name: 'field', required: false })
  @ApiQuery({ name: 'from', description: 'RFC 3339' })
  @ApiQuery({ name: 'to', description: 'RFC 3339' })
  @ApiQuery({ name: 'window', required: false, description: 'e.g. 10s, 1m, 1h' })
  @ApiQuery({ name: 'aggregation', required: false, enum: AGGREGATIONS })
  @ApiQuery({ name: 'source', required: false, enum: ['raw', 'rollup'] })
  async series(@Query(new ZodValidationPipe(seriesQuerySchema)) query: SeriesQuery) {
    return { query, points: await this.store.querySeries(query) };
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Server-sent events of stored readings, throttled per client' })
  @ApiQuery({ name: 'site', required: false })
  @ApiQuery({ name: 'kind', required: false })
  stream(
    @Query(new ZodValidationPipe(liveFilterSchema)) query: z.infer<typeof liveFilterSchema>,
  ): Observable<MessageEvent> {
    return this.live.feed({ siteId: query.site, sensorKind: query.kind });
  }
}
