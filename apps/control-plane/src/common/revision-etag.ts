import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/** The strong ETag of a revisioned resource: its revision, quoted, exactly what If-Match takes back. */
export function revisionETag(revision: number): string {
  return `"${revision}"`;
}

/**
 * Sets `ETag` from the `revision` of the object a handler returns, so the header and the body always agree
 * (Express would otherwise send a weak hash of the body, which If-Match cannot use).
 */
@Injectable()
class RevisionETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const revision = (body as { revision?: unknown } | undefined)?.revision;
        if (typeof revision === 'number' && Number.isSafeInteger(revision) && !response.headersSent)
          response.setHeader('ETag', revisionETag(revision));
        return body;
      }),
    );
  }
}

/** On a handler that returns one revisioned resource (`{ revision, ... }`): its ETag is that revision. */
export function RevisionETag(): MethodDecorator {
  return UseInterceptors(RevisionETagInterceptor);
}
