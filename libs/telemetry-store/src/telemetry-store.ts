import http from 'node:http';
import https from 'node:https';
import { escape, InfluxDB } from 'influx';
import { ServiceNotAvailableError } from 'influx/lib/src/pool';
import type { TelemetryReading } from '@polis/contracts';
import { readingToLine } from './points';
import { buildSeriesQuery, type RetentionLayout, type SeriesQuery } from './series-query';

export interface TelemetryStoreOptions {
  /** e.g. http://127.0.0.1:8086/polis: the path names the database. */
  url: string;
  /** InfluxDB duration such as 30d: how long full-resolution points are kept. */
  rawRetention: string;
  /** How long the 1-minute means are kept. */
  rollupRetention: string;
  requestTimeoutMs?: number;
}

export interface SeriesRow {
  time: string;
  sensor: string;
  values: Record<string, number | null>;
}

/**
 * InfluxDB did not answer (refused, timed out, 5xx, or every host marked offline): the caller can say the
 * store is unavailable instead of failing with an internal error. A refused query (4xx) is not this.
 */
export class InfluxUnavailableError extends Error {
  override readonly name = 'InfluxUnavailableError';
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

/** The schema is created at start and re-created if lost: until it is there, the store is not ready. */
const SCHEMA_MISSING = /database not found|retention policy not found/;

/** Runs one InfluxDB call; an outage becomes InfluxUnavailableError, anything else is rethrown as it is. */
async function outageAware<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (
      error instanceof ServiceNotAvailableError ||
      (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) ||
      SCHEMA_MISSING.test(message)
    )
      throw new InfluxUnavailableError(`InfluxDB is unavailable: ${message}`, { cause: error });
    throw error;
  }
}

/** Thin adapter over the `influx` package: schema set-up, batched writes, series reads. */
export class TelemetryStore {
  readonly layout: RetentionLayout;
  private readonly influx: InfluxDB;
  private readonly writeUrl: string;
  private readonly writeHeaders: Record<string, string>;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly options: TelemetryStoreOptions) {
    const url = new URL(options.url);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!database) throw new RangeError('InfluxDB URL must name the database in its path, e.g. /polis');
    this.layout = { database, rawPolicy: 'raw', rollupPolicy: 'rollup_1m' };
    this.influx = new InfluxDB({
      host: url.hostname,
      port: Number(url.port || 8086),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      username: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password) || undefined,
      database,
      options: { timeout: options.requestTimeoutMs ?? 10_000 },
    });
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    const query = new URLSearchParams({ db: database, rp: this.layout.rawPolicy, precision: 'ms' });
    this.writeUrl = `${url.protocol}//${url.host}/write?${query.toString()}`;
    this.writeHeaders = { 'content-type': 'text/plain; charset=utf-8' };
    const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true });
    if (url.username) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.writeHeaders.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
  }

  get database(): string {
    return this.layout.database;
  }

  /** Idempotent: database, the raw (default) and rollup retention policies, and the 1-minute-mean CQ. */
  async ensureSchema(): Promise<void> {
    const { database, rawPolicy, rollupPolicy } = this.layout;
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(database)) await this.influx.createDatabase(database);
    const policies = await this.influx.showRetentionPolicies(database);
    const upsert = async (name: string, duration: string, isDefault: boolean) => {
      const options = { database, duration, replication: 1, isDefault };
      if (policies.some((p) => p.name === name)) await this.influx.alterRetentionPolicy(name, options);
      else await this.influx.createRetentionPolicy(name, options);
    };
    await upsert(rawPolicy, this.options.rawRetention, true);
    await upsert(rollupPolicy, this.options.rollupRetention, false);
    const queries = await this.influx.showContinousQueries(database);
    if (!queries.some((q) => q.name === 'cq_mean_1m')) {
      const db = `"${database}"`;
      await this.influx.createContinuousQuery(
        'cq_mean_1m',
        `SELECT mean(*) INTO ${db}."${rollupPolicy}".:MEASUREMENT FROM ${db}."${rawPolicy}"./.*/ GROUP BY time(1m), *`,
        database,
      );
    }
  }

  /** Resolves once InfluxDB has stored every reading (HTTP 204); rejects with InfluxDB's answer otherwise. */
  async write(readings: readonly TelemetryReading[]): Promise<void> {
    if (readings.length === 0) return;
    const lines = new Array<string>(readings.length);
    for (let i = 0; i < readings.length; i++) lines[i] = readingToLine(readings[i]);
    await outageAware(() => this.post(lines.join('\n')));
  }

  /**
   * node:http with a keep-alive agent rather than fetch: undici's streams make dozens of promises per
   * request, each of which also pays for the async hooks that request-scoped logging turns on.
   */
  private post(body: string): Promise<void> {
    const headers = { ...this.writeHeaders, 'content-length': Buffer.byteLength(body) };
    return new Promise<void>((resolve, reject) => {
      const request = (this.writeUrl.startsWith('https:') ? https : http).request(
        this.writeUrl,
        { method: 'POST', agent: this.agent, headers, timeout: this.timeoutMs },
        (response) => {
          let answer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (answer.length < 500) answer += chunk;
          });
          response.on('error', reject);
          response.on('end', () => {
            if (response.statusCode === 204) resolve();
            else reject(new Error(`InfluxDB write answered ${response.statusCode}: ${answer.slice(0, 500)}`));
          });
        },
      );
      request.on('timeout', () =>
        request.destroy(
          Object.assign(new Error(`InfluxDB write timed out after ${this.timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        ),
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  async querySeries(query: SeriesQuery): Promise<SeriesRow[]> {
    const rows = await outageAware(() =>
      this.influx.query<Record<string, unknown>>(buildSeriesQuery(query, this.layout), { precision: 'ms' }),
    );
    return rows.map((row) => {
      const { time, sensor, ...rest } = row;
      const values: Record<string, number | null> = {};
      for (const [key, value] of Object.entries(rest)) {
        if (key === 'site') continue;
        values[key] = typeof value === 'number' ? value : null;
      }
      return { time: new Date(time as Date).toISOString(), sensor: String(sensor), values };
    });
  }

  /** Raw InfluxQL for tests and benchmarks that count points. */
  async countPoints(measurement: string, field: string): Promise<number> {
    const rows = await this.influx.query<{ count: number }>(
      `SELECT count(${escape.quoted(field)}) AS count FROM ${escape.quoted(this.layout.database)}.${escape.quoted(this.layout.rawPolicy)}.${escape.quoted(measurement)}`,
    );
    return rows[0]?.count ?? 0;
  }

  async ping(timeoutMs = 2000): Promise<boolean> {
    const hosts = await this.influx.ping(timeoutMs);
    return hosts.length > 0 && hosts.every((h) => h.online);
  }

  async dropDatabase(): Promise<void> {
    await this.influx.dropDatabase(this.layout.database);
  }
}
