import { tmpdir } from 'node:os';
import { z } from 'zod';
import { siteLeafUrl } from '@polis/manifests';
import { TOKEN_PATTERN } from '@polis/contracts';
import { DEFAULT_ONNX_SUPPORT, ORT_OPSET_RANGE, type OnnxSupportPolicy } from '@polis/onnx';

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
      message: `must use ${protocols.join(' or ')}`,
    });

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const INFLUX_DURATION = /^([1-9][0-9]*(h|d|w)|INF)$/;
const ONNX_DOMAIN = /^(?!ai\.onnx$)[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const ONNX_OPERATOR = /^([a-z][a-z0-9_]*(\.[a-z0-9_]+)*::)?[A-Za-z_][A-Za-z0-9_]*$/;

/** A comma-separated list, each entry matching `pattern`. */
const list = (pattern: RegExp, message: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(z.string().regex(pattern, message)).max(1_000));

/** Every environment variable Polis reads, with its default. Nothing else reads process.env. */
const envSchema = z
  .object({
    NATS_URL: url(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    INFLUX_URL: url(['http:', 'https:'])
      .refine((value) => URL.canParse(value) && new URL(value).pathname.length > 1, {
        message: 'must name the database in its path',
      })
      .default('http://127.0.0.1:8086/polis'),
    INFLUX_RETENTION: z
      .string()
      .regex(INFLUX_DURATION, 'must be an InfluxDB duration such as 30d')
      .default('30d'),
    INFLUX_ROLLUP_RETENTION: z.string().regex(INFLUX_DURATION).default('365d'),
    PORT: int(0, 65535).default(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    POLIS_SUBJECT_PREFIX: z.string().regex(TOKEN_PATTERN).default('polis'),
    INGEST_BATCH_SIZE: int(1, 50_000).default(2000),
    INGEST_FLUSH_MS: int(1, 10_000).default(50),
    INGEST_WRITES_IN_FLIGHT: int(1, 64).default(4),
    INGEST_MAX_ACK_PENDING: int(100, 1_000_000).default(20_000),
    LIVE_STREAM_INTERVAL_MS: int(50, 60_000).default(250),
    LIVE_STREAM_MAX_SENSORS_PER_EVENT: int(1, 10_000).default(200),
    /**
     * AES-256 key (32 bytes, base64) that encrypts site kubeconfigs at rest. No default on purpose:
     * without it the control plane runs, but refuses to register or update sites (503).
     */
    POLIS_KUBECONFIG_KEY: z
      .string()
      .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
        message: 'must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)',
      })
      .optional(),
    SITE_MONITOR_INTERVAL_MS: int(200, 3_600_000).default(15_000),
    SITE_PROBE_TIMEOUT_MS: int(100, 60_000).default(5_000),
    /**
     * Sites run NATS leaf nodes (docs/edge-data-plane.md): the hub's streams source from the site streams
     * what each site's data policy allows. Off by default: the hub must have a leafnode listener.
     */
    EDGE_DATA_PLANE: z.enum(['true', 'false']).default('false'),
    KUBE_REQUEST_TIMEOUT_MS: int(100, 300_000).default(10_000),
    KUBE_MAX_INFLIGHT_PER_CLUSTER: int(1, 1_000).default(16),
    KUBE_MAX_INFLIGHT_TOTAL: int(1, 100_000).default(512),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MODEL_MAX_BYTES: int(1024, 4 * 1024 ** 3).default(256 * 1024 ** 2),
    MODEL_VALIDATION_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
    MODEL_VALIDATION_CONCURRENCY: int(1, 64).default(2),
    MODEL_UPLOAD_DIR: z.string().min(1).optional(),
    /** Tightens what the runtime accepts: operators ("Loop", "com.microsoft::Attention") refused at upload. */
    MODEL_DENY_OPERATORS: list(
      ONNX_OPERATOR,
      'each entry must be an operator such as Loop or com.microsoft::Attention',
    ).default(''),
    /** Operator domains refused entirely, e.g. "com.microsoft" (the default domain cannot be denied). */
    MODEL_DENY_DOMAINS: list(
      ONNX_DOMAIN,
      'each entry must be an operator domain such as com.microsoft',
    ).default(''),
    MODEL_MIN_OPSET: int(ORT_OPSET_RANGE.min, ORT_OPSET_RANGE.max).default(ORT_OPSET_RANGE.min),
    MODEL_MAX_OPSET: int(ORT_OPSET_RANGE.min, ORT_OPSET_RANGE.max).default(ORT_OPSET_RANGE.max),
    /** Test-only: makes the model validator hang or crash so the tests can prove it is contained. */
    POLIS_VALIDATOR_TEST_FAULT: z.enum(['hang', 'crash']).optional(),
    /** How long a site may stay unreachable (or with every node NotReady) before its replicas fail over. */
    DEPLOYMENT_SITE_LOSS_GRACE_MS: int(0, 3_600_000).default(30_000),
    /** Changes arriving within this window are planned and reconciled together. */
    DEPLOYMENT_REPLAN_DEBOUNCE_MS: int(0, 60_000).default(500),
    /** Round trip between an edge site and the central sites when the site has no `polis.city/rtt-ms` label. */
    DEPLOYMENT_DEFAULT_RTT_MS: int(0, 10_000).default(10),
    /** A site switched to a new version must be Ready on it within this time, else the rollout fails there. */
    DEPLOYMENT_PROGRESS_DEADLINE_MS: int(1_000, 86_400_000).default(600_000),
    DEPLOYMENT_RUNNER_IMAGE: z
      .string()
      .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$/, {
        message: 'must be an image repository without tag',
      })
      .default('ghcr.io/polis-city/edge-runtime'),
    DEPLOYMENT_RUNNER_VERSION: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'must be an image tag' })
      .default('0.1.0'),
    /** NATS URL the model runners on the sites dial; the hub's own NATS_URL when unset. */
    DEPLOYMENT_RUNNER_NATS_URL: url(['nats:', 'tls:']).optional(),
    /** Base URL the sites download model artifacts from (this control plane as the sites reach it). */
    POLIS_PUBLIC_URL: url(['http:', 'https:']).default('http://127.0.0.1:8080'),
  })
  .superRefine((env, ctx) => {
    if (env.MODEL_MIN_OPSET > env.MODEL_MAX_OPSET) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MODEL_MAX_OPSET'],
        message: `must be at least MODEL_MIN_OPSET (${env.MODEL_MIN_OPSET})`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

const SECRET_VARIABLES: ReadonlySet<string> = new Set(['POLIS_KUBECONFIG_KEY']);

export interface AppConfig {
  nats: { url: string; subjectPrefix: string };
  redis: { url: string };
  influx: { url: string; retention: string; rollupRetention: string };
  http: { port: number; host: string };
  ingest: { batchSize: number; flushMs: number; maxAckPending: number; maxWritesInFlight: number };
  liveStream: { intervalMs: number; maxSensorsPerEvent: number };
  sites: {
    kubeconfigKey: string | undefined;
    monitorIntervalMs: number;
    probeTimeoutMs: number;
    edgeDataPlane: boolean;
  };
  kube: { requestTimeoutMs: number; maxInflightPerCluster: number; maxInflightTotal: number };
  logLevel: Env['LOG_LEVEL'];
  models: {
    maxBytes: number;
    validationTimeoutMs: number;
    validationConcurrency: number;
    uploadDir: string;
    validatorTestFault?: 'hang' | 'crash';
    /** What the registry accepts: the runtime's default, tightened by MODEL_DENY_* and MODEL_*_OPSET. */
    policy: OnnxSupportPolicy;
  };
  deployments: {
    siteLossGraceMs: number;
    replanDebounceMs: number;
    defaultRttToCentralMs: number;
    progressDeadlineMs: number;
    runner: { image: string; version: string; natsUrl: string };
    publicUrl: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function retentionToMs(duration: string): number {
  if (duration === 'INF') return Number.POSITIVE_INFINITY;
  const unit = duration.slice(-1);
  const n = Number(duration.slice(0, -1));
  const hour = 3_600_000;
  const scale = unit === 'h' ? hour : unit === 'd' ? 24 * hour : 7 * 24 * hour;
  return n * scale;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const firstIssuePerVariable = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      if (!firstIssuePerVariable.has(variable)) {
        // A secret's value never goes into an error message.
        const got = SECRET_VARIABLES.has(variable) ? 'a value' : JSON.stringify(env[variable]);
        firstIssuePerVariable.set(variable, `${issue.message} (got ${got})`);
      }
    }
    throw new ConfigError([...firstIssuePerVariable].map(([variable, message]) => ({ variable, message })));
  }
  const e = parsed.data;
  return {
    nats: { url: e.NATS_URL, subjectPrefix: e.POLIS_SUBJECT_PREFIX },
    redis: { url: e.REDIS_URL },
    influx: { url: e.INFLUX_URL, retention: e.INFLUX_RETENTION, rollupRetention: e.INFLUX_ROLLUP_RETENTION },
    http: { port: e.PORT, host: e.HOST },
    ingest: {
      batchSize: e.INGEST_BATCH_SIZE,
      flushMs: e.INGEST_FLUSH_MS,
      maxAckPending: e.INGEST_MAX_ACK_PENDING,
      maxWritesInFlight: e.INGEST_WRITES_IN_FLIGHT,
    },
    liveStream: {
      intervalMs: e.LIVE_STREAM_INTERVAL_MS,
      maxSensorsPerEvent: e.LIVE_STREAM_MAX_SENSORS_PER_EVENT,
    },
    sites: {
      kubeconfigKey: e.POLIS_KUBECONFIG_KEY,
      monitorIntervalMs: e.SITE_MONITOR_INTERVAL_MS,
      probeTimeoutMs: e.SITE_PROBE_TIMEOUT_MS,
      edgeDataPlane: e.EDGE_DATA_PLANE === 'true',
    },
    kube: {
      requestTimeoutMs: e.KUBE_REQUEST_TIMEOUT_MS,
      maxInflightPerCluster: e.KUBE_MAX_INFLIGHT_PER_CLUSTER,
      maxInflightTotal: e.KUBE_MAX_INFLIGHT_TOTAL,
    },
    logLevel: e.LOG_LEVEL,
    models: {
      maxBytes: e.MODEL_MAX_BYTES,
      validationTimeoutMs: e.MODEL_VALIDATION_TIMEOUT_MS,
      validationConcurrency: e.MODEL_VALIDATION_CONCURRENCY,
      uploadDir: e.MODEL_UPLOAD_DIR ?? tmpdir(),
      validatorTestFault: e.POLIS_VALIDATOR_TEST_FAULT,
      policy: {
        ...DEFAULT_ONNX_SUPPORT,
        minOpset: e.MODEL_MIN_OPSET,
        maxOpset: e.MODEL_MAX_OPSET,
        deniedOperators: e.MODEL_DENY_OPERATORS,
        deniedDomains: e.MODEL_DENY_DOMAINS,
      },
    },
    deployments: {
      siteLossGraceMs: e.DEPLOYMENT_SITE_LOSS_GRACE_MS,
      replanDebounceMs: e.DEPLOYMENT_REPLAN_DEBOUNCE_MS,
      defaultRttToCentralMs: e.DEPLOYMENT_DEFAULT_RTT_MS,
      progressDeadlineMs: e.DEPLOYMENT_PROGRESS_DEADLINE_MS,
      runner: {
        image: e.DEPLOYMENT_RUNNER_IMAGE,
        version: e.DEPLOYMENT_RUNNER_VERSION,
        // With leaf nodes a runner dials its own site's leaf (the Service every site has); else the hub.
        natsUrl: e.DEPLOYMENT_RUNNER_NATS_URL ?? (e.EDGE_DATA_PLANE === 'true' ? siteLeafUrl() : e.NATS_URL),
      },
      publicUrl: e.POLIS_PUBLIC_URL.replace(/\/+$/, ''),
    },
  };
}
