/** Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `2G`), enough to compare a request with a limit. */
export const QUANTITY_PATTERN = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity in base units, or undefined when it is not a quantity this module accepts. */
export function quantityValue(quantity: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(quantity);
  if (!match) return undefined;
  const multiplier = MULTIPLIERS[match[2] ?? ''];
  return multiplier === undefined ? undefined : Number(match[1]) * multiplier;
}
