import { parseQuantity } from '@polis/quantity';

/**
 * What Polis accepts as a quantity in its own inputs: unsigned, no exponent, no sub-milli suffixes
 * (`250m`, `1.5`, `512Mi`, `2G`). The Kubernetes grammar allows more; operators never need it here.
 */
export const QUANTITY_PATTERN = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity in base units, or undefined when it is not a quantity Polis accepts. */
export function quantityValue(quantity: string): number | undefined {
  return QUANTITY_PATTERN.test(quantity) ? parseQuantity(quantity) : undefined;
}
