/** Kubernetes resource quantities ("500m", "2Gi", "1.5", "1e3") as plain numbers of base units. */

const SCALE: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
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

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** The message the Kubernetes API server gives for a malformed quantity, so clients see the same text. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(readonly input: string) {
    super(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${input}"`,
    );
  }
}

/** The quantity in base units (cores for cpu, bytes for memory). Throws QuantityError. */
export function parseQuantity(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(String(input));
    return input;
  }
  const match = QUANTITY.exec(input.trim());
  if (!match) throw new QuantityError(input);
  const [, digits = '', exponent, suffix = ''] = match;
  const base = Number(digits);
  if (exponent) return base * 10 ** Number(exponent.slice(1));
  return base * (SCALE[suffix] ?? 1);
}

/** CPU in whole millicores, rounded up as the scheduler does. */
export function cpuMillicores(value: string | number): number {
  return Math.ceil(Math.round(parseQuantity(value) * 1e9) / 1e6);
}

/** Memory (or any byte quantity) in whole bytes, rounded up. */
export function bytes(value: string | number): number {
  return Math.ceil(parseQuantity(value));
}
