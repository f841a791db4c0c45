/**
 * Time compression: the simulated clock runs `speed` times faster than the wall clock from a common start.
 * Published timestamps stay on the wall clock (the contract rejects readings > 5 min in the future); only
 * the patterns (rush hours, load curve, weather) follow the compressed clock.
 */
export interface CompressedClock {
  wallStartMs: number;
  simStartMs: number;
  speed: number;
}

export function simulatedTimeAt(clock: CompressedClock, wallMs: number): number {
  return Math.round(clock.simStartMs + (wallMs - clock.wallStartMs) * clock.speed);
}

/** Length of simulated time one publishing interval covers (what a loop count is counted over). */
export function simulatedIntervalMs(intervalMs: number, speed: number): number {
  return Math.max(1, Math.round(intervalMs * speed));
}

/** The next tick on the grid wallStartMs + k * intervalMs strictly after `nowMs` (late ticks are skipped). */
export function nextTickAt(wallStartMs: number, intervalMs: number, nowMs: number): number {
  const elapsed = Math.max(0, nowMs - wallStartMs);
  return wallStartMs + (Math.floor(elapsed / intervalMs) + 1) * intervalMs;
}
