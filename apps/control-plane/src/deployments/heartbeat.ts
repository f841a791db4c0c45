import { z } from 'zod';
import type { SloBreach } from './rollout';

/**
 * The part of the runtime's heartbeat (`<prefix>.heartbeat.<siteId>.<instance>`) rollouts judge by. The
 * runtime sends more; unknown fields are ignored, so either side may grow.
 */
export const heartbeatSchema = z
  .object({
    ts: z.number(),
    instance: z.string().min(1),
    /** The deployment id on the site: the deployment's own, or `<id>--<target>` for a central copy. */
    deploymentId: z.string().min(1),
    /** The site whose telemetry the runner serves. */
    siteId: z.string().min(1),
    model: z.object({ name: z.string().min(1), version: z.string().min(1) }).passthrough(),
    /** Inferences completed in the interval the heartbeat covers. */
    throughput: z.object({ inferences: z.number().nonnegative() }).passthrough(),
    /** Failures in the interval, by kind. */
    errors: z.record(z.number().nonnegative()),
    /** End-to-end latency over the interval. */
    latencyMs: z.object({ p99: z.number().nonnegative() }).passthrough(),
  })
  .passthrough();
export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** The deployment a runner's deployment id belongs to (a central copy carries `<id>--<target>`). */
export function owningDeploymentId(runnerDeploymentId: string): string {
  const cut = runnerDeploymentId.indexOf('--');
  return cut < 0 ? runnerDeploymentId : runnerDeploymentId.slice(0, cut);
}

export interface SloLimits {
  maxErrorRate: number;
  /** Inferences (plus failures) needed before the error rate is judged: one bad batch is not a verdict. */
  minInferences: number;
  /** p99 latency above this breaches, when the deployment has an SLO. */
  latencySloMs?: number;
}

/** Heartbeats in a row of one runner whose p99 must exceed the SLO before it counts: one slow interval is noise. */
const P99_BREACHES_IN_A_ROW = 2;

/**
 * Whether the heartbeats of one version (oldest first) breach the SLO, where and why. Each site is judged on
 * its own runners, so a site that fails every inference is not averaged away by healthy ones. Failures are
 * every error the runtime counts (inference failures, malformed or late readings, dropped results): each is
 * a reading the model did not turn into a result.
 */
export function assessHeartbeats(beats: readonly Heartbeat[], limits: SloLimits): SloBreach | undefined {
  const bySite = new Map<string, Heartbeat[]>();
  for (const beat of beats) {
    const list = bySite.get(beat.siteId);
    if (list) list.push(beat);
    else bySite.set(beat.siteId, [beat]);
  }
  for (const [siteId, siteBeats] of [...bySite].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const reason = errorRateBreach(siteBeats, limits) ?? latencyBreach(siteBeats, limits);
    if (reason !== undefined) return { siteId, reason };
  }
  return undefined;
}

function errorRateBreach(beats: readonly Heartbeat[], limits: SloLimits): string | undefined {
  let inferences = 0;
  let failures = 0;
  for (const beat of beats) {
    inferences += beat.throughput.inferences;
    failures += Object.values(beat.errors).reduce((sum, n) => sum + n, 0);
  }
  const total = inferences + failures;
  if (total < limits.minInferences || failures / total <= limits.maxErrorRate) return undefined;
  const rate = ((failures / total) * 100).toFixed(1);
  return `error rate ${rate}% over ${total} readings exceeds ${(limits.maxErrorRate * 100).toFixed(1)}% at ${beats[0].siteId}`;
}

function latencyBreach(beats: readonly Heartbeat[], limits: SloLimits): string | undefined {
  if (limits.latencySloMs === undefined) return undefined;
  const inARow = new Map<string, number>();
  for (const beat of beats) {
    const slow = beat.throughput.inferences > 0 && beat.latencyMs.p99 > limits.latencySloMs;
    const count = slow ? (inARow.get(beat.instance) ?? 0) + 1 : 0;
    inARow.set(beat.instance, count);
    if (count >= P99_BREACHES_IN_A_ROW)
      return `p99 latency ${beat.latencyMs.p99.toFixed(1)} ms on ${beat.siteId} exceeds the ${limits.latencySloMs} ms SLO`;
  }
  return undefined;
}
