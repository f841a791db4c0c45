/**
 * One result per reading, whoever serves a site. A site's own runners and a central copy (during a
 * failover, its overlap, or a partition in which the site's pods keep running) read the same telemetry and
 * compute the same windows, since windows are cut in event time (`floor(ts / interval)`). Runners publish
 * results and decisions on an internal `serving` subject with a `Nats-Msg-Id` naming the window; a
 * JetStream stream captures those subjects with a duplicate window, so the second copy of a window is
 * refused, and republishes what it stored onto the public subjects. Subscribers on core NATS see each
 * window once, on the subjects and with the payloads they always had.
 */

/** What a runner publishes: results, or the decisions derived from them. */
export type ServingKind = 'inference' | 'decision';

/** The token inserted after the prefix on the internal subjects. */
export const SERVING_TOKEN = 'serving';

/** `<prefix>.serving.<kind>.<site>.<model>`: where runners publish; the stream republishes it without `serving`. */
export function servingSubject(prefix: string, kind: ServingKind, siteId: string, modelName: string): string {
  return `${prefix}.${SERVING_TOKEN}.${kind}.${siteId}.${modelName}`;
}

/** The public subject a serving subject is republished on (`<prefix>.<kind>.<site>.<model>`). */
export function publicSubjectOf(prefix: string, subject: string): string {
  const head = `${prefix}.${SERVING_TOKEN}.`;
  if (!subject.startsWith(head))
    throw new RangeError(`"${subject}" is not a serving subject under ${prefix}`);
  return `${prefix}.${subject.slice(head.length)}`;
}

export interface WindowAddress {
  siteId: string;
  modelName: string;
  sensorId: string;
  /** The window's `InferenceResult.ts`: start of its interval t, in event time (epoch ms). */
  windowTs: number;
}

/** `Nats-Msg-Id` of a result: the same for every runner that computes this window. */
export function resultMessageId(w: WindowAddress): string {
  return `inference.${w.siteId}.${w.modelName}.${w.sensorId}.${w.windowTs}`;
}

/**
 * `Nats-Msg-Id` of a decision: the window plus the kind of action, so one window gives at most one decision
 * of each kind (the city models have one rule each, so one decision per window).
 */
export function decisionMessageId(w: WindowAddress, action: { type: string; reason?: string }): string {
  const kind = action.reason === undefined ? action.type : `${action.type}.${action.reason}`;
  return `decision.${w.siteId}.${w.modelName}.${w.sensorId}.${w.windowTs}.${kind}`;
}

/**
 * How long a window id is remembered. Runners serving the same site publish a window within milliseconds
 * of each other; the margin covers a runner that held results while NATS was unreachable and publishes
 * them on reconnect. A window published again after this is delivered again.
 */
export const SERVING_DUPLICATE_WINDOW_MS = 10 * 60_000;

/** Plain description of the serving stream (the control plane creates it with these settings). */
export function servingStream(prefix: string) {
  return {
    name: `${prefix.toUpperCase().replace(/-/g, '_')}_SERVING`,
    subjects: [`${prefix}.${SERVING_TOKEN}.inference.*.*`, `${prefix}.${SERVING_TOKEN}.decision.*.*`],
    republish: {
      src: `${prefix}.${SERVING_TOKEN}.*.*.*`,
      dest: `${prefix}.{{wildcard(1)}}.{{wildcard(2)}}.{{wildcard(3)}}`,
    },
    duplicateWindowMs: SERVING_DUPLICATE_WINDOW_MS,
  } as const;
}
