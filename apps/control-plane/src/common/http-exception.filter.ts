import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { dependencyUnavailable, unavailableDependency } from './dependency-errors';
import { httpStatusOf, PolisError } from './errors';

/**
 * Typed errors become their status; a library error that says a dependency is down becomes a 503 naming
 * it; anything else is a generic 500 whose details stay in the log.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const down = unavailableDependency(thrown);
    const exception = down ? dependencyUnavailable(down.dependency, thrown, down.site) : thrown;
    if (exception instanceof PolisError) {
      response
        .status(httpStatusOf(exception.code))
        .json({ error: exception.code, message: exception.message, details: exception.details });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      response
        .status(status)
        .json({ error: status === 404 ? 'not-found' : 'http-error', message: exception.message });
      return;
    }
    // Only name and message: library errors can carry whole requests, headers and credentials included.
    const error =
      exception instanceof Error ? { name: exception.name, message: exception.message } : String(exception);
    this.logger.error({ event: 'unhandled-error', error });
    response.status(500).json({ error: 'internal', message: 'internal error' });
  }
}
