import type { DeploymentHistoryEntry, RolloutPolicy } from './deployment.schema';

/**
 * - `complete`: every site runs `toVersion` (also the state of a new deployment: nothing to roll from);
 * - `canary`: the canary sites run `toVersion`, the others `fromVersion`, until the canary has run Ready
 *   and within its SLO for the analysis period;
 * - `rolling`: sites switch to `toVersion` one at a time, each once the previous one is Ready (and, under
 *   the rolling strategy, has run within its SLO for the analysis period);
 * - `paused`: an operator stopped the rollout where it was;
 * - `rolled-back`: every site runs `fromVersion` again (SLO breach, a failed canary, or an operator);
 * - `failed`: a site missed its progress deadline with failFast: the rollout stopped there.
 */
export type RolloutPhase = 'complete' | 'canary' | 'rolling' | 'paused' | 'rolled-back' | 'failed';
export const ACTIVE_PHASES: readonly RolloutPhase[] = ['canary', 'rolling'];

/** Why a rollout rolled back or stopped. */
export type RolloutCause = 'slo-breach' | 'not-ready' | 'operator';

/** Heartbeats of the new version that broke the SLO: where and why. */
export interface SloBreach {
  /** The site the breaching runners serve. */
  siteId: string;
  reason: string;
}

export interface RolloutState {
  /** What ran before; null when there was nothing before (a new deployment). */
  fromVersion: string | null;
  toVersion: string;
  phase: RolloutPhase;
  /** Where `resume` goes back to. */
  resumeTo?: 'canary' | 'rolling';
  canarySites: string[];
  /** Target sites switched to `toVersion`, in order. */
  updated: string[];
  /** When each updated site was switched (epoch ms), for its progress deadline. */
  switchedAt: Record<string, number>;
  /** Sites that missed their deadline while the rollout went on without them (failFast false). */
  failedSites: string[];
  /** When every canary site first ran `toVersion` Ready; the analysis period counts from here. */
  canaryReadyAt?: number;
  /** Rolling strategy: when the site switched last became Ready; its analysis period counts from here. */
  readySince?: Record<string, number>;
  startedAt: number;
  reason?: string;
  /** Why it rolled back or stopped (with `rolled-back` and `failed`). */
  cause?: RolloutCause;
  /** The breach that rolled it back, when heartbeats did. */
  breach?: SloBreach;
}

export interface RolloutObservation {
  /** The deployment's target sites now, sorted. */
  targets: readonly string[];
  /** Every workload serving the site runs `toVersion` and is Ready (true when nothing runs for it). */
  isReady: (siteId: string) => boolean;
  /** Where and why the heartbeats of `toVersion` breach the SLO, when they do. */
  breach?: SloBreach;
  now: number;
}

export interface RolloutLimits {
  progressDeadlineMs: number;
}

export class RolloutCommandError extends Error {
  override readonly name = 'RolloutCommandError';
}

export function newRollout(version: string, now: number): RolloutState {
  return {
    fromVersion: null,
    toVersion: version,
    phase: 'complete',
    canarySites: [],
    updated: [],
    switchedAt: {},
    failedSites: [],
    startedAt: now,
  };
}

/** The version every not-yet-switched site runs: what the deployment last settled on. */
export function stableVersion(state: RolloutState): string {
  if (state.phase === 'complete') return state.toVersion;
  return state.fromVersion ?? state.toVersion;
}

/** The first ceil(percent) of the sorted targets, at least one. Deterministic, so a restart picks the same. */
export function chooseCanarySites(targets: readonly string[], percent: number): string[] {
  if (targets.length === 0) return [];
  const count = Math.min(targets.length, Math.max(1, Math.ceil((targets.length * percent) / 100)));
  return [...targets].sort().slice(0, count);
}

/**
 * The rollout after the deployment's version became `toVersion`. A rollout in progress is abandoned: the
 * new one starts from the version the deployment last settled on, so no site is left on an intermediate
 * version. Going back to the settled version is immediate (it runs already, or is what sites return to).
 */
export function startRollout(
  current: RolloutState | undefined,
  toVersion: string,
  policy: RolloutPolicy,
  context: { targets: readonly string[]; now: number },
): RolloutState {
  if (!current) return newRollout(toVersion, context.now);
  if (current.toVersion === toVersion) return current;
  const from = stableVersion(current);
  if (from === toVersion) return newRollout(toVersion, context.now);
  const base = { ...newRollout(toVersion, context.now), fromVersion: from };
  if (policy.strategy === 'canary')
    return {
      ...base,
      phase: 'canary',
      canarySites: chooseCanarySites(context.targets, policy.canaryPercent),
    };
  return { ...base, phase: 'rolling' };
}

export function versionFor(state: RolloutState, siteId: string): string {
  switch (state.phase) {
    case 'complete':
      return state.toVersion;
    case 'rolled-back':
      return state.fromVersion ?? state.toVersion;
    case 'canary':
    case 'rolling':
    case 'paused':
    case 'failed':
      return state.fromVersion !== null && !state.updated.includes(siteId)
        ? state.fromVersion
        : state.toVersion;
  }
}

function switchSites(state: RolloutState, sites: readonly string[], now: number): RolloutState {
  const switchedAt = { ...state.switchedAt };
  for (const site of sites) switchedAt[site] = now;
  return { ...state, updated: [...state.updated, ...sites], switchedAt };
}

function overdue(
  state: RolloutState,
  sites: readonly string[],
  now: number,
  limits: RolloutLimits,
): string[] {
  return sites.filter((site) => now - (state.switchedAt[site] ?? now) >= limits.progressDeadlineMs);
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function advanceCanary(
  state: RolloutState,
  policy: Extract<RolloutPolicy, { strategy: 'canary' }>,
  observation: RolloutObservation,
  limits: RolloutLimits,
): RolloutState {
  const { now } = observation;
  let canary = state.canarySites.filter((site) => observation.targets.includes(site));
  if (canary.length === 0) canary = chooseCanarySites(observation.targets, policy.canaryPercent);
  if (state.updated.length === 0) return switchSites({ ...state, canarySites: canary }, canary, now);
  const waiting = canary.filter((site) => !observation.isReady(site) && !state.failedSites.includes(site));
  const late = overdue(state, waiting, now, limits);
  if (late.length > 0) {
    const reason = `canary site ${late.join(', ')} not Ready on ${state.toVersion} within ${seconds(limits.progressDeadlineMs)}`;
    if (policy.failFast) return { ...state, phase: 'rolled-back', reason, cause: 'not-ready' };
    return { ...state, failedSites: [...state.failedSites, ...late], reason };
  }
  if (waiting.length > 0) return state;
  const readyAt = state.canaryReadyAt ?? now;
  if (now - readyAt < policy.analysisMs)
    return state.canaryReadyAt === readyAt ? state : { ...state, canaryReadyAt: readyAt };
  return { ...state, canaryReadyAt: readyAt, phase: 'rolling' };
}

function advanceRolling(
  state: RolloutState,
  policy: RolloutPolicy,
  observation: RolloutObservation,
  limits: RolloutLimits,
): RolloutState {
  const { now } = observation;
  const inFlight = state.updated.filter(
    (site) =>
      observation.targets.includes(site) && !observation.isReady(site) && !state.failedSites.includes(site),
  );
  const late = overdue(state, inFlight, now, limits);
  if (late.length > 0) {
    const reason = `site ${late.join(', ')} not Ready on ${state.toVersion} within ${seconds(limits.progressDeadlineMs)}`;
    if (policy.failFast) return { ...state, phase: 'failed', reason, cause: 'not-ready' };
    return { ...state, failedSites: [...state.failedSites, ...late], reason };
  }
  if (inFlight.length > 0) return withoutReadySince(state, inFlight);
  const analysed = awaitAnalysis(state, policy, observation);
  if (analysed !== undefined) return analysed;
  const next = observation.targets.find((site) => !state.updated.includes(site));
  if (next !== undefined) return switchSites(state, [next], now);
  return { ...state, phase: 'complete' };
}

/** A site that is not Ready (any more) starts its analysis period again once it is. */
function withoutReadySince(state: RolloutState, notReady: readonly string[]): RolloutState {
  const readySince = state.readySince;
  if (readySince === undefined || !notReady.some((site) => site in readySince)) return state;
  return {
    ...state,
    readySince: Object.fromEntries(Object.entries(readySince).filter(([site]) => !notReady.includes(site))),
  };
}

/**
 * Under the rolling strategy the site switched last must run Ready for `analysisMs` before the next one
 * switches (or the rollout completes): its heartbeats are judged meanwhile. Returns the state to keep while
 * the period runs, undefined once it is over. After a canary, the canary's analysis stands for the others.
 */
function awaitAnalysis(
  state: RolloutState,
  policy: RolloutPolicy,
  observation: RolloutObservation,
): RolloutState | undefined {
  if (policy.strategy !== 'rolling' || policy.analysisMs === 0) return undefined;
  const current = [...state.updated]
    .reverse()
    .find((site) => observation.targets.includes(site) && !state.failedSites.includes(site));
  if (current === undefined) return undefined;
  const since = state.readySince?.[current];
  if (since === undefined)
    return { ...state, readySince: { ...state.readySince, [current]: observation.now } };
  return observation.now - since < policy.analysisMs ? state : undefined;
}

/** One step of the rollout given what the clusters and the heartbeats say now. Pure. */
export function advanceRollout(
  state: RolloutState,
  policy: RolloutPolicy,
  observation: RolloutObservation,
  limits: RolloutLimits,
): RolloutState {
  if (!ACTIVE_PHASES.includes(state.phase)) return state;
  if (observation.breach !== undefined)
    return {
      ...state,
      phase: 'rolled-back',
      reason: `${state.toVersion} breached its SLO: ${observation.breach.reason}`,
      cause: 'slo-breach',
      breach: observation.breach,
    };
  if (state.phase === 'canary' && policy.strategy === 'canary')
    return advanceCanary(state, policy, observation, limits);
  // A canary phase under a policy that is no longer canary (the policy was edited) carries on rolling.
  const rolling = state.phase === 'rolling' ? state : { ...state, phase: 'rolling' as const };
  return advanceRolling(rolling, policy, observation, limits);
}

export function pauseRollout(state: RolloutState): RolloutState {
  if (state.phase !== 'canary' && state.phase !== 'rolling')
    throw new RolloutCommandError(`no rollout in progress to pause (phase ${state.phase})`);
  return { ...state, phase: 'paused', resumeTo: state.phase, reason: 'paused by an operator' };
}

/** Resumes a paused rollout, or retries a failed one from the site where it stopped. */
export function resumeRollout(state: RolloutState, now: number): RolloutState {
  if (state.phase === 'paused')
    return { ...state, phase: state.resumeTo ?? 'rolling', resumeTo: undefined, reason: undefined };
  if (state.phase === 'failed') {
    // The deadline of the sites in flight starts again.
    const switchedAt = Object.fromEntries(state.updated.map((site) => [site, now]));
    return { ...state, phase: 'rolling', switchedAt, reason: undefined, cause: undefined };
  }
  throw new RolloutCommandError(`no paused or failed rollout to resume (phase ${state.phase})`);
}

export function rollBack(state: RolloutState, reason: string): RolloutState {
  if (state.fromVersion === null || state.phase === 'rolled-back')
    throw new RolloutCommandError(`nothing to roll back to (phase ${state.phase})`);
  if (state.phase === 'complete')
    throw new RolloutCommandError(
      `the rollout to ${state.toVersion} is complete: deploy ${state.fromVersion} again instead`,
    );
  return { ...state, phase: 'rolled-back', resumeTo: undefined, reason, cause: 'operator' };
}

/**
 * What goes into the deployment's history once a rollout rolled back, while its desired state still names
 * the version that failed: the desired state then names the version that runs again. Undefined otherwise.
 */
export function rollbackHistoryEntry(
  state: RolloutState,
  desiredVersion: string,
  at: string,
): DeploymentHistoryEntry | undefined {
  if (state.phase !== 'rolled-back' || state.fromVersion === null) return undefined;
  if (desiredVersion !== state.toVersion || state.fromVersion === state.toVersion) return undefined;
  return {
    at,
    outcome: 'rolled-back',
    version: state.toVersion,
    rolledBackTo: state.fromVersion,
    cause: state.cause ?? 'operator',
    reason: state.reason ?? 'rolled back',
    ...(state.breach ? { siteId: state.breach.siteId } : {}),
    rolloutStartedAt: state.startedAt,
  };
}
