import { hostname } from 'node:os';
import {
  DEFAULT_SUBJECT_PREFIX,
  inferenceSubject,
  isValidToken,
  servingSubject,
  SHA256_PATTERN,
} from '@polis/contracts';
import {
  AGGREGATIONS,
  DEFAULT_DECISION_POLICY,
  type Aggregation,
  type DecisionPolicy,
} from '@polis/inference';
import { MODEL_CACHE_DIR, RUNNER_ENV } from '@polis/manifests';
import { z } from 'zod';

/** Settings beyond the ConfigMap contract (RUNNER_ENV): all optional, with defaults fit for a site. */
export const RUNTIME_ENV = {
  ...RUNNER_ENV,
  podName: 'POLIS_POD_NAME',
  nodeName: 'POLIS_NODE_NAME',
  subjectPrefix: 'POLIS_SUBJECT_PREFIX',
  httpHost: 'POLIS_HTTP_HOST',
  sessionWorkers: 'POLIS_SESSION_WORKERS',
  intraOpThreads: 'POLIS_INTRA_OP_THREADS',
  inlineBudgetUs: 'POLIS_INLINE_BUDGET_US',
  heartbeatIntervalMs: 'POLIS_HEARTBEAT_INTERVAL_MS',
  contextDefaults: 'POLIS_CONTEXT_DEFAULTS',
  contextSensorKinds: 'POLIS_CONTEXT_SENSOR_KINDS',
  fieldAggregation: 'POLIS_FIELD_AGGREGATION',
  phaseExtensionSeconds: 'POLIS_PHASE_EXTENSION_SECONDS',
  loadAlertKw: 'POLIS_LOAD_ALERT_KW',
  resultBufferSize: 'POLIS_RESULT_BUFFER_SIZE',
  influxUrl: 'INFLUX_URL',
  logLevel: 'LOG_LEVEL',
} as const;

export interface RuntimeConfig {
  deploymentId: string;
  siteId: string;
  modelName: string;
  modelVersion: string;
  /** Digest the deployment pins; the record's digest must equal it. Undefined: trust the record's. */
  artifactSha256: string | undefined;
  cacheDir: string;
  natsServers: string[];
  queueGroup: string;
  subjectPrefix: string;
  /** Undefined: derived from the model's telemetry windows once the record is known. */
  subscribeSubjects: string[] | undefined;
  /** The public result subject (`<prefix>.inference.<site>.<model>`); the serving stream republishes onto it. */
  publishSubject: string;
  /** Where results and decisions are published, with a window's `Nats-Msg-Id` (see `@polis/contracts` serving). */
  servingSubjects: { inference: string; decision: string };
  batching: { maxBatchSize: number; maxWaitMs: number };
  http: { host: string; port: number };
  instance: string;
  nodeName: string;
  sessionWorkers: number;
  intraOpThreads: number;
  /** Batches measured at load to cost at most this run on the event loop (0: always worker threads). */
  inlineBudgetUs: number;
  heartbeatIntervalMs: number;
  contextDefaults: Record<string, number>;
  contextSensorKinds: string[];
  fieldAggregation: Record<string, Aggregation>;
  decisionPolicy: DecisionPolicy;
  resultBufferSize: number;
  influxUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const text = (raw: string | undefined): string | undefined => (raw?.trim() ? raw.trim() : undefined);

const required = z.string({ required_error: 'is required' }).trim().min(1, 'is required');
const token = required.refine(isValidToken, 'must match [a-z0-9-]{1,64}');
const optionalText = z.string().optional().transform(text);

function integer(min: number, max: number, fallback: number) {
  return optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`))
      .optional()
      .transform((v) => v ?? fallback),
  );
}

function jsonRecord<T extends z.ZodTypeAny>(value: T) {
  return optionalText.transform((raw, ctx): Record<string, z.output<T>> | undefined => {
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }
    const result = z.record(z.string().min(1).max(64), value).safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || 'value'}: ${issue.message}` });
      return z.NEVER;
    }
    return result.data;
  });
}

const csv = optionalText.transform((raw) =>
  raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
);

const natsUrls = required.transform((raw, ctx) => {
  const urls = raw.split(',').map((u) => u.trim());
  for (const url of urls) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || !['nats:', 'tls:'].includes(parsed.protocol) || !parsed.hostname) {
      // Never echo the value: a NATS URL may carry credentials.
      ctx.addIssue({ code: 'custom', message: 'must be nats://host:port or tls://host:port URL(s)' });
      return z.NEVER;
    }
  }
  return urls;
});

const SUBJECT_TOKEN = /^[a-z0-9-]{1,64}$/;
const subject = (wildcards: boolean) =>
  z
    .string()
    .refine(
      (s) => s.split('.').every((t) => SUBJECT_TOKEN.test(t) || (wildcards && (t === '*' || t === '>'))),
      'must be dot-separated tokens of [a-z0-9-]',
    );

const httpUrl = optionalText.refine(
  (raw) => raw === undefined || (URL.canParse(raw) && ['http:', 'https:'].includes(new URL(raw).protocol)),
  'must be an http(s) URL',
);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const E = RUNTIME_ENV;

const schema = z.object({
  [E.siteId]: token,
  [E.modelName]: token,
  [E.modelVersion]: required.pipe(z.string().max(128)),
  [E.deploymentId]: optionalText,
  [E.artifactSha256]: optionalText.pipe(
    z.string().regex(SHA256_PATTERN, 'must be 64 lowercase hex').optional(),
  ),
  [E.artifactUrl]: httpUrl,
  [E.cacheDir]: optionalText.transform((v) => v ?? MODEL_CACHE_DIR),
  [E.natsUrl]: natsUrls,
  [E.natsQueueGroup]: optionalText,
  [E.subscribeSubjects]: csv.pipe(z.array(subject(true)).min(1, 'must list at least one subject').optional()),
  [E.publishSubject]: optionalText.pipe(subject(false).optional()),
  [E.batchMaxSize]: integer(1, 4096, 32),
  [E.batchMaxWaitMs]: integer(0, 60_000, 20),
  [E.httpPort]: integer(0, 65_535, 8080),
  [E.httpHost]: optionalText.transform((v) => v ?? '127.0.0.1'),
  [E.podName]: optionalText,
  [E.nodeName]: optionalText,
  [E.subjectPrefix]: optionalText.pipe(subject(false).optional()),
  [E.sessionWorkers]: integer(1, 64, 1),
  [E.intraOpThreads]: integer(1, 256, 1),
  [E.inlineBudgetUs]: integer(0, 10_000, 100),
  [E.heartbeatIntervalMs]: integer(100, 3_600_000, 10_000),
  [E.contextDefaults]: jsonRecord(z.number().finite()),
  [E.contextSensorKinds]: csv.pipe(
    z.array(z.string().regex(SUBJECT_TOKEN, 'must be sensor kind tokens')).optional(),
  ),
  [E.fieldAggregation]: jsonRecord(z.enum(AGGREGATIONS)),
  [E.phaseExtensionSeconds]: jsonRecord(z.number().min(0).max(600)),
  [E.loadAlertKw]: optionalText.pipe(z.coerce.number().finite().optional()),
  [E.resultBufferSize]: integer(0, 1_000_000, 10_000),
  [E.influxUrl]: httpUrl,
  [E.logLevel]: optionalText.pipe(z.enum(LOG_LEVELS).optional()),
});

/** `<prefix>.inference.<site>.<model>`: the ConfigMap names the publish subject, and so the prefix. */
function prefixOf(publishSubject: string | undefined, siteId: string, modelName: string): string | undefined {
  const tail = `.inference.${siteId}.${modelName}`;
  return publishSubject?.endsWith(tail) ? publishSubject.slice(0, -tail.length) : undefined;
}

/** Pod and host names become a subject token of the heartbeat subject: lower case, no dots. */
function subjectToken(name: string): string {
  const token = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 64);
  return token || 'runtime';
}

/** Reads and validates the environment once; the first bad variable throws a ConfigError naming it. */
export function loadConfig(env: Env): RuntimeConfig {
  const raw = Object.fromEntries(Object.values(RUNTIME_ENV).map((name) => [name, env[name]]));
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const s = result.data;
  const siteId = s[E.siteId];
  const modelName = s[E.modelName];
  const subjectPrefix =
    s[E.subjectPrefix] ?? prefixOf(s[E.publishSubject], siteId, modelName) ?? DEFAULT_SUBJECT_PREFIX;
  const deploymentId = s[E.deploymentId] ?? `${modelName}-${siteId}`;
  const host = hostname();
  const publishSubject = inferenceSubject(subjectPrefix, siteId, modelName);
  if (s[E.publishSubject] !== undefined && s[E.publishSubject] !== publishSubject)
    throw new ConfigError(
      E.publishSubject,
      `must be ${publishSubject}: results reach it through the serving stream, from ${servingSubject(subjectPrefix, 'inference', siteId, modelName)}`,
    );
  return {
    deploymentId,
    siteId,
    modelName,
    modelVersion: s[E.modelVersion],
    artifactSha256: s[E.artifactSha256],
    cacheDir: s[E.cacheDir],
    natsServers: s[E.natsUrl],
    queueGroup: s[E.natsQueueGroup] ?? `runner-${deploymentId}`,
    subjectPrefix,
    subscribeSubjects: s[E.subscribeSubjects],
    publishSubject,
    servingSubjects: {
      inference: servingSubject(subjectPrefix, 'inference', siteId, modelName),
      decision: servingSubject(subjectPrefix, 'decision', siteId, modelName),
    },
    batching: { maxBatchSize: s[E.batchMaxSize], maxWaitMs: s[E.batchMaxWaitMs] },
    http: { host: s[E.httpHost], port: s[E.httpPort] },
    instance: subjectToken(s[E.podName] ?? host),
    nodeName: s[E.nodeName] ?? host,
    sessionWorkers: s[E.sessionWorkers],
    intraOpThreads: s[E.intraOpThreads],
    inlineBudgetUs: s[E.inlineBudgetUs],
    heartbeatIntervalMs: s[E.heartbeatIntervalMs],
    contextDefaults: s[E.contextDefaults] ?? {},
    contextSensorKinds: s[E.contextSensorKinds] ?? [],
    fieldAggregation: s[E.fieldAggregation] ?? {},
    decisionPolicy: {
      phaseExtensionSeconds: s[E.phaseExtensionSeconds] ?? DEFAULT_DECISION_POLICY.phaseExtensionSeconds,
      ...(s[E.loadAlertKw] === undefined ? {} : { loadAlertKw: s[E.loadAlertKw] }),
    },
    resultBufferSize: s[E.resultBufferSize],
    influxUrl: s[E.influxUrl],
    logLevel: s[E.logLevel] ?? 'info',
  };
}
