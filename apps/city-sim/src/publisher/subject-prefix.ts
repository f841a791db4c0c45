import { isValidToken } from '@polis/contracts';

/** A prefix is one or more dot-separated tokens of the contract's token alphabet (no wildcards, no spaces). */
export function isValidSubjectPrefix(prefix: string): boolean {
  return prefix.split('.').every(isValidToken);
}
