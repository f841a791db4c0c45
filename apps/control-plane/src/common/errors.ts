/** Every error the API can return carries one of these codes; the HTTP filter maps them in one place. */
export type PolisErrorCode = 'invalid-input' | 'not-found' | 'conflict' | 'forbidden' | 'unavailable';

export class PolisError extends Error {
  constructor(
    readonly code: PolisErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PolisError';
  }
}

export function httpStatusOf(code: PolisErrorCode): number {
  switch (code) {
    case 'invalid-input':
      return 400;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'unavailable':
      return 503;
  }
}
