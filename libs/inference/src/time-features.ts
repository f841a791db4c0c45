/**
 * Clock features the city models were trained with (libs/onnx city-models): time of day on the unit circle,
 * its second harmonic, and a weekend flag, all in UTC.
 */
export const TIME_FEATURES = ['hourSin', 'hourCos', 'weekend', 'halfDaySin', 'halfDayCos'] as const;
export type TimeFeature = (typeof TIME_FEATURES)[number];

const HOUR_MS = 3_600_000;

export function isTimeFeature(name: string): name is TimeFeature {
  return (TIME_FEATURES as readonly string[]).includes(name);
}

export function timeFeature(feature: TimeFeature, ts: number): number {
  const hour = (((ts / HOUR_MS) % 24) + 24) % 24;
  switch (feature) {
    case 'hourSin':
      return Math.sin((2 * Math.PI * hour) / 24);
    case 'hourCos':
      return Math.cos((2 * Math.PI * hour) / 24);
    case 'halfDaySin':
      return Math.sin((4 * Math.PI * hour) / 24);
    case 'halfDayCos':
      return Math.cos((4 * Math.PI * hour) / 24);
    case 'weekend': {
      const day = new Date(ts).getUTCDay();
      return day === 0 || day === 6 ? 1 : 0;
    }
  }
}
