import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { httpStatusOf, PolisError } from '../common';
import { ModelRejection, rejectionStatus } from './model-rejection';

/**
 * Renders model rejections with their own status (413, 415, 422) in the API's error shape. When the request
 * body was not read to its end (refused before or while streaming), the connection is closed after the
 * answer: otherwise Node would keep reading, and discarding, whatever the client still sends.
 */
@Catch(ModelRejection, PolisError)
export class ModelsExceptionFilter implements ExceptionFilter<ModelRejection | PolisError> {
  catch(exception: ModelRejection | PolisError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (response.headersSent) return;
    if (!request.complete) response.setHeader('Connection', 'close');
    const [status, error] =
      exception instanceof ModelRejection
        ? [rejectionStatus(exception.reason), exception.reason]
        : [httpStatusOf(exception.code), exception.code];
    response.status(status).json({ error, message: exception.message, details: exception.details });
  }
}
