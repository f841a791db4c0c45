/** Raised when a plan input is malformed; `issues` lists every problem found (capped), each with its path. */
export class PlacementInputError extends Error {
  override readonly name = 'PlacementInputError';

  constructor(readonly issues: readonly string[]) {
    super(`invalid placement input: ${issues.join('; ')}`);
  }
}
