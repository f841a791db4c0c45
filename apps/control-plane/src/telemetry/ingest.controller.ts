import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from '../common';
import { DeadLetterService, MAX_DEAD_LETTERS_LISTED } from './dead-letters.service';
import { IngestMetrics } from './ingest.metrics';
import { IngestService } from './ingest.service';
import { ReadingWriter } from './reading-writer';

const limitSchema = z
  .object({ limit: z.coerce.number().int().min(1).max(MAX_DEAD_LETTERS_LISTED).default(50) })
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
  async stats() {
    const [counters, lag] = await Promise.all([this.metrics.snapshot(), this.ingest.consumerLag()]);
    return { ...counters, consumer: lag, influxHealthy: this.writer.isInfluxHealthy };
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'The latest dead letters, newest first' })
  @ApiQuery({ name: 'limit', required: false })
  async latestDeadLetters(@Query(new ZodValidationPipe(limitSchema)) query: z.infer<typeof limitSchema>) {
    return { items: await this.deadLetters.latest(query.limit) };
  }
}
