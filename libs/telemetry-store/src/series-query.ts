import { escape } from 'influx';
import { z } from 'zod';
import { TOKEN_PATTERN } from '@polis/contracts';

export const AGGREGATIONS = ['mean', 'min', 'max', 'count', 'sum', 'last'] as const;
const WINDOW = /^[1-9][0-9]{0,5}(s|m|h|d)$/;
const FIELD = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;
export const MAX_RAW_POINTS = 10_000;

export const seriesQuerySchema = z
  .object({
    kind: z.string().regex(TOKEN_PATTERN).describe('sensor kind (InfluxDB measurement)'),
    site: z.string().regex(TOKEN_PATTERN).describe('site id'),
    sensor: z.string().regex(TOKEN_PATTERN).optional().describe('one sensor of the site; all by default'),
    field: z.string().regex(FIELD).optional().describe('one field of the kind; all by default'),
    from: z.coerce.date().describe('start, RFC 3339'),
    to: z.coerce.date().describe('end (exclusive), RFC 3339'),
    window: z
      .string()
      .regex(WINDOW, 'window must look like 10s, 1m, 1h or 1d')
      .optional()
      .describe('aggregate per window, e.g. 10s, 1m, 1h; raw points without it'),
    aggregation: z.enum(AGGREGATIONS).default('mean').describe('how a window is aggregated'),
    /** "raw" reads full-resolution points; "rollup" reads the 1-minute means the continuous query keeps. */
    source: z
      .enum(['raw', 'rollup'])
      .default('raw')
      .describe('raw: full-resolution points; rollup: the 1-minute means kept longer'),
  })
  .strict()
  .refine((q) => q.from.getTime() < q.to.getTime(), { message: 'from must be before to', path: ['from'] });

export type SeriesQuery = z.infer<typeof seriesQuerySchema>;

export interface RetentionLayout {
  database: string;
  rawPolicy: string;
  rollupPolicy: string;
}

/** Pure: builds the InfluxQL for a series query; every identifier and literal is escaped. */
export function buildSeriesQuery(q: SeriesQuery, layout: RetentionLayout): string {
  const policy = q.source === 'raw' ? layout.rawPolicy : layout.rollupPolicy;
  const from = `${escape.quoted(layout.database)}.${escape.quoted(policy)}.${escape.quoted(q.kind)}`;
  const where = [
    `${escape.quoted('site')} = ${escape.stringLit(q.site)}`,
    ...(q.sensor ? [`${escape.quoted('sensor')} = ${escape.stringLit(q.sensor)}`] : []),
    `time >= ${q.from.getTime()}ms`,
    `time < ${q.to.getTime()}ms`,
  ].join(' AND ');
  const fieldName = q.field && q.source === 'rollup' ? `mean_${q.field}` : q.field;
  if (!q.window) {
    const select = fieldName ? escape.quoted(fieldName) : '*';
    return `SELECT ${select} FROM ${from} WHERE ${where} GROUP BY "sensor" ORDER BY time ASC LIMIT ${MAX_RAW_POINTS}`;
  }
  const select = fieldName ? `${q.aggregation}(${escape.quoted(fieldName)})` : `${q.aggregation}(*)`;
  return `SELECT ${select} FROM ${from} WHERE ${where} GROUP BY time(${q.window}), "sensor" fill(none)`;
}
