import { parseArgs } from 'node:util';
import { DEFAULT_SUBJECT_PREFIX } from '@polis/contracts';
import { z } from 'zod';
import { isValidSubjectPrefix } from './publisher/subject-prefix';

/** Each setting is an environment variable; a CLI flag of the same meaning overrides it. */
export const SETTINGS = {
  NATS_URL: { flag: 'nats-url', help: 'NATS server URL(s), comma-separated (default nats://127.0.0.1:4222)' },
  POLIS_SUBJECT_PREFIX: { flag: 'prefix', help: `subject prefix (default ${DEFAULT_SUBJECT_PREFIX})` },
  CITY_INTERSECTIONS: { flag: 'intersections', help: 'traffic intersections, 0-999 (default 6)' },
  CITY_SUBSTATIONS: { flag: 'substations', help: 'substations, 0-999 (default 3)' },
  CITY_INTERVAL_MS: {
    flag: 'interval-ms',
    help: 'wall-clock ms between two readings of a sensor (default 1000)',
  },
  CITY_SEED: { flag: 'seed', help: 'seed of the city layout and every reading (default "polis")' },
  CITY_DROPOUT_PROBABILITY: {
    flag: 'dropout-probability',
    help: 'chance a sensor has an outage in a simulated hour (default 0.05)',
  },
  CITY_SPEED: {
    flag: 'speed',
    help: 'simulated ms per wall-clock ms, e.g. 1440 = a day in a minute (default 1)',
  },
  CITY_START: { flag: 'start', help: 'RFC 3339 instant the simulated clock starts at (default: now)' },
  CITY_TIMESTAMPS: {
    flag: 'timestamps',
    help: 'wall: readings carry the wall clock; simulated: the simulated clock, never past the wall clock (default wall)',
  },
  CITY_SUMMARY_INTERVAL_MS: {
    flag: 'summary-interval-ms',
    help: 'ms between summary log lines (default 10000)',
  },
  LOG_LEVEL: {
    flag: 'log-level',
    help: 'pino level: fatal|error|warn|info|debug|trace|silent (default info)',
  },
} as const;
export type SettingName = keyof typeof SETTINGS;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The environment variable (or `argv`) at fault. */
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
  }
}

const blankToUndefined = (raw: string | undefined): string | undefined =>
  raw?.trim() ? raw.trim() : undefined;

function numberSetting(range: { min: number; max: number; integer?: boolean; fallback: number }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const text = blankToUndefined(raw);
      if (text === undefined) return range.fallback;
      const value = Number(text);
      if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
        ctx.addIssue({
          code: 'custom',
          message: `must be ${range.integer ? 'an integer' : 'a number'}, got "${text}"`,
        });
        return z.NEVER;
      }
      if (value < range.min || value > range.max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be between ${range.min} and ${range.max}, got ${value}`,
        });
        return z.NEVER;
      }
      return value;
    });
}

const natsUrls = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const urls = (blankToUndefined(raw) ?? 'nats://127.0.0.1:4222').split(',').map((u) => u.trim());
    for (const url of urls) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !['nats:', 'tls:'].includes(parsed.protocol) || !parsed.hostname) {
        ctx.addIssue({
          code: 'custom',
          message: `"${redactUrl(url)}" is not a nats://host:port or tls://host:port URL`,
        });
        return z.NEVER;
      }
    }
    return urls;
  });

const subjectPrefix = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const prefix = blankToUndefined(raw) ?? DEFAULT_SUBJECT_PREFIX;
    if (!isValidSubjectPrefix(prefix)) {
      ctx.addIssue({ code: 'custom', message: `"${prefix}" must be dot-separated tokens of [a-z0-9-]` });
      return z.NEVER;
    }
    return prefix;
  });

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const startInstant = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const text = blankToUndefined(raw);
    if (text === undefined) return undefined;
    const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
    if (!Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an RFC 3339 instant such as 2025-03-03T06:00:00Z, got "${text}"`,
      });
      return z.NEVER;
    }
    return ms;
  });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const settingsSchema = z.object({
  NATS_URL: natsUrls,
  POLIS_SUBJECT_PREFIX: subjectPrefix,
  CITY_INTERSECTIONS: numberSetting({ min: 0, max: 999, integer: true, fallback: 6 }),
  CITY_SUBSTATIONS: numberSetting({ min: 0, max: 999, integer: true, fallback: 3 }),
  CITY_INTERVAL_MS: numberSetting({ min: 50, max: 3_600_000, integer: true, fallback: 1000 }),
  CITY_SEED: z
    .string()
    .optional()
    .transform((raw) => blankToUndefined(raw) ?? 'polis')
    .pipe(z.string().max(128)),
  CITY_DROPOUT_PROBABILITY: numberSetting({ min: 0, max: 1, fallback: 0.05 }),
  CITY_SPEED: numberSetting({ min: 0.01, max: 100_000, fallback: 1 }),
  CITY_START: startInstant,
  CITY_TIMESTAMPS: z
    .string()
    .optional()
    .transform((raw) => blankToUndefined(raw) ?? 'wall')
    .pipe(z.enum(['wall', 'simulated'])),
  CITY_SUMMARY_INTERVAL_MS: numberSetting({ min: 100, max: 3_600_000, integer: true, fallback: 10_000 }),
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((raw) => blankToUndefined(raw)?.toLowerCase() ?? 'info')
    .pipe(z.enum(LOG_LEVELS)),
});

export interface CitySimConfig {
  natsUrls: string[];
  subjectPrefix: string;
  intersections: number;
  substations: number;
  intervalMs: number;
  seed: string;
  dropoutProbability: number;
  speed: number;
  /** Simulated clock start, epoch ms; undefined = the moment publishing starts. */
  simStartMs: number | undefined;
  /** Which clock stamps readings: the wall clock, or the simulated one (a replay that started in the past). */
  timestamps: 'wall' | 'simulated';
  summaryIntervalMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
}

export type ParsedCommandLine = { help: true } | { help: false; config: CitySimConfig };

const settingNames = Object.keys(SETTINGS) as SettingName[];

function readFlags(argv: readonly string[]): Partial<Record<SettingName, string>> & { help?: boolean } {
  const options = Object.fromEntries(
    settingNames.map((name) => [SETTINGS[name].flag, { type: 'string' as const }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new ConfigError('argv', (error as Error).message);
  }
  const flags: Partial<Record<SettingName, string>> & { help?: boolean } = {
    help: parsed.values.help === true,
  };
  for (const name of settingNames) {
    const value = parsed.values[SETTINGS[name].flag];
    if (typeof value === 'string') flags[name] = value;
  }
  return flags;
}

/** Reads and validates the configuration once; the first bad setting throws a ConfigError naming it. */
export function parseCommandLine(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): ParsedCommandLine {
  const { help, ...flags } = readFlags(argv);
  if (help) return { help: true };
  const raw = Object.fromEntries(settingNames.map((name) => [name, flags[name] ?? env[name]]));
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? 'config') as SettingName;
    const source = flags[name] !== undefined ? `${name} (--${SETTINGS[name].flag})` : name;
    throw new ConfigError(source, issue?.message ?? 'invalid');
  }
  const s = result.data;
  return {
    help: false,
    config: {
      natsUrls: s.NATS_URL,
      subjectPrefix: s.POLIS_SUBJECT_PREFIX,
      intersections: s.CITY_INTERSECTIONS,
      substations: s.CITY_SUBSTATIONS,
      intervalMs: s.CITY_INTERVAL_MS,
      seed: s.CITY_SEED,
      dropoutProbability: s.CITY_DROPOUT_PROBABILITY,
      speed: s.CITY_SPEED,
      simStartMs: s.CITY_START,
      timestamps: s.CITY_TIMESTAMPS,
      summaryIntervalMs: s.CITY_SUMMARY_INTERVAL_MS,
      logLevel: s.LOG_LEVEL,
    },
  };
}

export function usage(): string {
  const lines = settingNames.map(
    (name) => `  --${SETTINGS[name].flag.padEnd(22)} ${name.padEnd(26)} ${SETTINGS[name].help}`,
  );
  return [
    'Usage: city-sim [--flag value ...]   (flags override environment variables)',
    '',
    ...lines,
    '',
  ].join('\n');
}

/** A URL fit for logs: credentials (user:password@, ?token) removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<unparseable url>';
  }
}
