export { PolisError, httpStatusOf, type PolisErrorCode } from './errors';
export { HttpExceptionFilter } from './http-exception.filter';
export { ZodValidationPipe } from './zod-validation.pipe';
export { revisionFromIfMatch } from './if-match';
export { parseInput, parseStoredJson } from './parse-input';
export {
  DEPENDENCIES,
  dependencyUnavailable,
  throwIfDependencyDown,
  unavailableDependency,
  type Dependency,
} from './dependency-errors';
export {
  ApiEmptyResponse,
  ApiErrors,
  ApiEventStreamResponse,
  ApiJsonBody,
  ApiJsonResponse,
  ApiZodParams,
  ApiZodQuery,
  REVISION_ETAG_HEADER,
  apiComponentSchemas,
  apiSchema,
  type ApiErrorStatus,
} from './api-docs';
export { apiErrorSchema } from './api-error.schema';
export { RevisionETag, revisionETag } from './revision-etag';
export { type SameType } from './same-type';
