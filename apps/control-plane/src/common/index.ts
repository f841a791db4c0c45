export { PolisError, httpStatusOf, type PolisErrorCode } from './errors';
export { HttpExceptionFilter } from './http-exception.filter';
export { ZodValidationPipe } from './zod-validation.pipe';
export { revisionFromIfMatch } from './if-match';
export { parseInput, parseStoredJson } from './parse-input';
