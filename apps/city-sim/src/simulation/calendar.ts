/** Local clock of the simulated city: a fixed UTC offset (no daylight saving, so days are always 24 h). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface LocalTime {
  /** Fractional hour of the local day, in [0, 24). */
  hour: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  isWeekend: boolean;
  /** Fractional day of the year, in [0, 366). */
  dayOfYear: number;
}

export function localTime(tMs: number, utcOffsetMinutes: number): LocalTime {
  const local = tMs + utcOffsetMinutes * MINUTE_MS;
  const date = new Date(local);
  const startOfDay = Math.floor(local / DAY_MS) * DAY_MS;
  const weekday = date.getUTCDay();
  return {
    hour: (local - startOfDay) / HOUR_MS,
    weekday,
    isWeekend: weekday === 0 || weekday === 6,
    dayOfYear: (local - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS,
  };
}

/** A bell around `center` hours with width `sigma` hours, measured on the 24 h circle (23:00 is near 01:00). */
export function bump(hour: number, center: number, sigma: number): number {
  const raw = Math.abs(hour - center) % 24;
  const distance = Math.min(raw, 24 - raw);
  return Math.exp(-0.5 * (distance / sigma) ** 2);
}

/** Close to 1 between `from` and `to` hours, with soft edges of about `edge` hours (opening hours, shifts). */
export function plateau(hour: number, from: number, to: number, edge = 0.6): number {
  const rise = 1 / (1 + Math.exp(-(hour - from) / edge));
  const fall = 1 / (1 + Math.exp(-(to - hour) / edge));
  return rise * fall;
}
