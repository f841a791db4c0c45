/** Kubernetes-shaped API errors: every failure the emulator answers is a metav1.Status. */
import type { Status, StatusCause } from './types';

export interface ErrorTarget {
  group: string;
  /** Resource plural, as the real API server names it in messages ("pods", "deployments.apps"). */
  resource: string;
  name?: string;
}

function qualified(target: ErrorTarget): string {
  return target.group ? `${target.resource}.${target.group}` : target.resource;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Status['details'],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  static notFound(target: ErrorTarget): ApiError {
    return new ApiError(404, 'NotFound', `${qualified(target)} "${target.name ?? ''}" not found`, {
      name: target.name,
      group: target.group,
      kind: target.resource,
    });
  }

  static pathNotFound(path: string): ApiError {
    return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
  }

  static alreadyExists(target: ErrorTarget): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualified(target)} "${target.name ?? ''}" already exists`, {
      name: target.name,
      group: target.group,
      kind: target.resource,
    });
  }

  static conflict(target: ErrorTarget, why: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(target)} "${target.name ?? ''}": ${why}`,
      { name: target.name, group: target.group, kind: target.resource },
    );
  }

  static staleResourceVersion(target: ErrorTarget): ApiError {
    return ApiError.conflict(
      target,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }

  static applyConflict(target: ErrorTarget, causes: StatusCause[]): ApiError {
    const noun = causes.length === 1 ? 'conflict' : 'conflicts';
    const lines = causes.map((cause) => cause.message).join('\n- ');
    const message =
      causes.length === 1
        ? `Apply failed with 1 conflict: ${causes[0]?.message ?? ''}`
        : `Apply failed with ${causes.length} ${noun}:\n- ${lines}`;
    return new ApiError(409, 'Conflict', message, {
      name: target.name,
      group: target.group,
      kind: target.resource,
      causes,
    });
  }

  static invalid(kind: string, name: string, causes: StatusCause[]): ApiError {
    const summary = causes.map((cause) => `${cause.field ?? ''}: ${cause.message}`).join(', ');
    return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
      name,
      kind,
      causes: causes.map((cause) => ({ reason: cause.reason ?? 'FieldValueInvalid', ...cause })),
    });
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  }

  static unauthorized(): ApiError {
    return new ApiError(401, 'Unauthorized', 'Unauthorized');
  }

  static methodNotAllowed(method: string): ApiError {
    return new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource (${method})`,
    );
  }

  static notAcceptable(accept: string): ApiError {
    return new ApiError(406, 'NotAcceptable', `only application/json is served, not ${accept}`);
  }

  static unsupportedMediaType(contentType: string): ApiError {
    return new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format: ${contentType}`,
    );
  }

  static expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  }

  static tooManyRequests(retryAfterSeconds: number): ApiError {
    return new ApiError(
      429,
      'TooManyRequests',
      'the server has received too many requests and has asked us to try again later',
      { retryAfterSeconds },
      retryAfterSeconds,
    );
  }

  static unavailable(message: string): ApiError {
    return new ApiError(503, 'ServiceUnavailable', message);
  }

  static internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
  }
}
