import { escape } from 'influx';
import { z } from 'zod';
import { TOKEN_PATTERN } from '@polis/contracts';

export const AGGREGATIONS = ['mean', 'min', 'max', 'count', 'sum', 'last'] as const;
const WINDOW = /^[1-9][0-9]{0,5}(s|m|h|d)$/;
const FIELD = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;
export const MAX_RAW_POINTS = 10_000;

export const seriesQuerySchema = z
  .object({
    kind: z.string().regex(TOKEN_PATTERN),
    site: z.string().regex(TOKEN_PATTERN),
    sensor: z.string().regex(TOKEN_PATTERN).optional(),
    field: z.string().regex(FIELD).optional(),
    from: z.coerce.date(),
    to: z.coerce.date(),
    window: z.string().regex(WINDOW, 'window must look like 10s, 1m, 1h or 1d').optional(),
    aggregation: z.enum(AGGREGATIONS).default('mean'),
    /** "raw" reads full-resolution points; "rollup" reads the 1-minute means the continuous query keeps. */
    source: z.enum(['raw', 'rollup']).default('raw'),
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
