import { Controller, Get, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import { TOKEN_PATTERN } from '@polis/contracts';
import { type SeriesQuery, seriesQuerySchema, TelemetryStore } from '@polis/telemetry-store';
import {
  ApiErrors,
  ApiEventStreamResponse,
  ApiJsonResponse,
  ApiZodQuery,
  ZodValidationPipe,
} from '../common';
import { LiveTelemetryService } from './live-telemetry.service';
import { SensorActivityService } from './sensor-activity.service';
import { seriesResult, telemetrySensorList, telemetrySiteList } from './telemetry.api';

const siteFilterSchema = z
  .object({ site: z.string().regex(TOKEN_PATTERN).optional().describe('only the sensors of this site') })
  .strict();
const liveFilterSchema = z
  .object({
    site: z.string().regex(TOKEN_PATTERN).optional().describe('only readings of this site'),
    kind: z.string().regex(TOKEN_PATTERN).optional().describe('only readings of this sensor kind'),
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
  @ApiJsonResponse(200, telemetrySiteList, 'every site seen')
  sites() {
    return { items: this.activity.sites() };
  }

  @Get('sensors')
  @ApiOperation({ summary: 'Sensors seen, optionally of one site' })
  @ApiZodQuery(siteFilterSchema)
  @ApiJsonResponse(200, telemetrySensorList, 'every sensor seen')
  @ApiErrors(400)
  sensors(@Query(new ZodValidationPipe(siteFilterSchema)) query: z.infer<typeof siteFilterSchema>) {
    return { items: this.activity.sensors(query.site) };
  }

  @Get('series')
  @ApiOperation({ summary: 'A time series of one site (or one sensor), raw or aggregated per window' })
  @ApiZodQuery(seriesQuerySchema)
  @ApiJsonResponse(200, seriesResult, 'the points, oldest first')
  @ApiErrors(400, 503)
  async series(@Query(new ZodValidationPipe(seriesQuerySchema)) query: SeriesQuery) {
    return { query, points: await this.store.querySeries(query) };
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Server-sent events of stored readings, throttled per client' })
  @ApiZodQuery(liveFilterSchema)
  @ApiEventStreamResponse('an event stream; each event carries the latest readings per sensor as JSON')
  @ApiErrors(400)
  stream(
    @Query(new ZodValidationPipe(liveFilterSchema)) query: z.infer<typeof liveFilterSchema>,
  ): Observable<MessageEvent> {
    return this.live.feed({ siteId: query.site, sensorKind: query.kind });
  }
}
