/** The NATS subject contract. Every token a sensor or a site controls must match TOKEN_PATTERN. */
export const TOKEN_PATTERN = /^[a-z0-9-]{1,64}$/;
export const DEFAULT_SUBJECT_PREFIX = 'polis';

export interface TelemetryAddress {
  siteId: string;
  sensorKind: string;
  sensorId: string;
}

export type SubjectParseResult = { ok: true; address: TelemetryAddress } | { ok: false; detail: string };

export function isValidToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function telemetrySubject(prefix: string, address: TelemetryAddress): string {
  const tokens: [string, string][] = [
    ['siteId', address.siteId],
    ['sensorKind', address.sensorKind],
    ['sensorId', address.sensorId],
  ];
  for (const [name, token] of tokens) {
    if (!isValidToken(token))
      throw new RangeError(`${name} "${token}" does not match ${TOKEN_PATTERN.source}`);
  }
  return `${prefix}.telemetry.${address.siteId}.${address.sensorKind}.${address.sensorId}`;
}

export function telemetryWildcard(prefix: string): string {
  return `${prefix}.telemetry.>`;
}

export function deadLetterSubject(prefix: string): string {
  return `${prefix}.deadletter.telemetry`;
}

export function parseTelemetrySubject(prefix: string, subject: string): SubjectParseResult {
  const head = `${prefix}.telemetry.`;
  if (!subject.startsWith(head)) return { ok: false, detail: `subject does not start with "${head}"` };
  const tokens = subject.slice(head.length).split('.');
  if (tokens.length !== 3) {
    return {
      ok: false,
      detail: `expected <siteId>.<sensorKind>.<sensorId> after "${head}", got ${tokens.length} token(s)`,
    };
  }
  const [siteId, sensorKind, sensorId] = tokens as [string, string, string];
  const names = ['siteId', 'sensorKind', 'sensorId'] as const;
  const bad = tokens.findIndex((t) => !isValidToken(t));
  if (bad >= 0) {
    return { ok: false, detail: `${names[bad]} "${tokens[bad]}" does not match ${TOKEN_PATTERN.source}` };
  }
  return { ok: true, address: { siteId, sensorKind, sensorId } };
}
