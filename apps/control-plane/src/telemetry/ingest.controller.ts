import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiErrors, ApiJsonResponse, ApiZodQuery, ZodValidationPipe } from '../common';
import { DeadLetterService, MAX_DEAD_LETTERS_LISTED } from './dead-letters.service';
import { IngestMetrics } from './ingest.metrics';
import { IngestService } from './ingest.service';
import { ReadingWriter } from './reading-writer';
import { deadLetterList, ingestStats } from './telemetry.api';

const limitSchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_DEAD_LETTERS_LISTED)
      .default(50)
      .describe('how many, newest first'),
  })
  .strict();

/** What the ingest pipeline has done: counters, consumer lag and the dead letters it set aside. */
@ApiTags('telemetry')
@Controller('telemetry')
export class IngestController {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly ingest: IngestService,
    private readonly metrics: IngestMetrics,
    private readonly writer: ReadingWriter,
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'Ingest statistics: received, written, dead letters by reason, consumer lag' })
  @ApiJsonResponse(200, ingestStats, 'counters since this instance started, and the consumer lag')
  @ApiErrors(503)
  async stats(): Promise<z.infer<typeof ingestStats>> {
    const [counters, lag] = await Promise.all([this.metrics.snapshot(), this.ingest.consumerLag()]);
    return { ...counters, consumer: lag, influxHealthy: this.writer.isInfluxHealthy };
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'The latest dead letters, newest first' })
  @ApiZodQuery(limitSchema)
  @ApiJsonResponse(200, deadLetterList, 'the dead letters, newest first')
  @ApiErrors(400, 503)
  async latestDeadLetters(@Query(new ZodValidationPipe(limitSchema)) query: z.infer<typeof limitSchema>) {
    return { items: await this.deadLetters.latest(query.limit) };
  }
}
