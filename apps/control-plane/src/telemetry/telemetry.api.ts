import { z } from 'zod';
import { DEAD_LETTER_REASONS } from '@polis/contracts';
import type { DeadLetter } from '@polis/contracts';
import type { SeriesRow } from '@polis/telemetry-store';
import { apiSchema, type SameType } from '../common';
import type { ConsumerLag } from './ingest.service';
import type { IngestMetrics } from './ingest.metrics';
import type { SensorActivityView, SiteActivityView } from './sensor-activity';

/** Response schemas of /telemetry, as the OpenAPI document names them. */
export const telemetrySiteList = apiSchema(
  'TelemetrySiteList',
  z.object({
    items: z.array(
      z.object({
        siteId: z.string(),
        sensors: z.number().int(),
        firstSeen: z.string().datetime(),
        lastSeen: z.string().datetime(),
        messagesPerSecond: z.number(),
      }),
    ),
  }),
);

export const telemetrySensorList = apiSchema(
  'TelemetrySensorList',
  z.object({
    items: z.array(
      z.object({
        siteId: z.string(),
        sensorKind: z.string(),
        sensorId: z.string(),
        firstSeen: z.string().datetime(),
        lastSeen: z.string().datetime(),
        messages: z.number().int(),
        messagesPerSecond: z.number(),
      }),
    ),
  }),
);

const seriesRow = z.object({
  time: z.string().datetime(),
  sensor: z.string(),
  values: z.record(z.number().nullable()).describe('field name to value; null where a window is empty'),
});

export const seriesResult = apiSchema(
  'Series',
  z.object({
    query: z.object({}).passthrough().describe('the query as understood, defaults applied'),
    points: z.array(seriesRow),
  }),
);

const reasonCounts = z.object(
  Object.fromEntries(DEAD_LETTER_REASONS.map((reason) => [reason, z.number()])) as Record<
    (typeof DEAD_LETTER_REASONS)[number],
    z.ZodNumber
  >,
);

export const ingestStats = apiSchema(
  'IngestStats',
  z.object({
    received: z.number(),
    written: z.number(),
    writeFailures: z.number(),
    deadLettered: reasonCounts.describe('dead letters by reason'),
    consumer: z.object({
      consumer: z
        .string()
        .nullable()
        .describe('the ingest consumer in use; null before any instance took the lease'),
      owner: z.string().nullable().describe('the instance holding the ingest lease'),
      ownedHere: z.boolean().describe('this instance ingests'),
      pending: z.number().int(),
      ackPending: z.number().int(),
      redelivered: z.number().int(),
    }),
    influxHealthy: z.boolean().describe('false while writes to InfluxDB fail (they are retried)'),
  }),
);

const deadLetter = z.object({
  reason: z.enum(DEAD_LETTER_REASONS),
  detail: z.string(),
  subject: z.string(),
  receivedAt: z.string().datetime(),
  payloadBytes: z.number().int(),
  payloadSha256: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  payload: z.string(),
  payloadTruncated: z.boolean().describe('true when the stored payload is a prefix of the original'),
});

export const deadLetterList = apiSchema('DeadLetterList', z.object({ items: z.array(deadLetter) }));

const inSync: [
  SameType<z.infer<typeof telemetrySiteList>['items'][number], SiteActivityView>,
  SameType<z.infer<typeof telemetrySensorList>['items'][number], SensorActivityView>,
  SameType<z.infer<typeof seriesRow>, SeriesRow>,
  SameType<z.infer<typeof deadLetter>, DeadLetter>,
  SameType<
    z.infer<typeof ingestStats>,
    Awaited<ReturnType<IngestMetrics['snapshot']>> & { consumer: ConsumerLag; influxHealthy: boolean }
  >,
] = [true, true, true, true, true];
void inSync;
