/** Injected failures: the API answering 503, 429 throttling and 409 write conflicts. */
import { z } from 'zod';
import { ApiError } from '../model/api-error';

/** The request faults, which the API handler applies to each request. */
export interface RequestFaultSnapshot {
  unavailable: boolean;
  throttledRequestsLeft: number;
  retryAfterSeconds: number;
  conflictingWritesLeft: number;
}

/** Every switch of a cluster: the request faults and whether its API refuses connections. */
export interface FaultSnapshot extends RequestFaultSnapshot {
  refused: boolean;
  /** Connections are accepted and never answered, as across a network partition. */
  partitioned: boolean;
}

/** What `POST /emulator/faults` answers: the state after the request, and watches dropped by it. */
export type FaultResult = FaultSnapshot & { droppedWatches?: number };

export class FaultInjector {
  private unavailable = false;
  private throttledRequestsLeft = 0;
  private retryAfterSeconds = 1;
  private conflictingWritesLeft = 0;

  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
  }

  /** The next `requests` API requests get 429 with Retry-After. */
  throttle(requests: number, retryAfterSeconds = 1): void {
    this.throttledRequestsLeft = Math.max(0, Math.floor(requests));
    this.retryAfterSeconds = Math.max(0, Math.floor(retryAfterSeconds));
  }

  /** The next `writes` mutating requests get 409 Conflict. */
  conflictWrites(writes: number): void {
    this.conflictingWritesLeft = Math.max(0, Math.floor(writes));
  }

  clear(): void {
    this.unavailable = false;
    this.throttledRequestsLeft = 0;
    this.conflictingWritesLeft = 0;
  }

  snapshot(): RequestFaultSnapshot {
    return {
      unavailable: this.unavailable,
      throttledRequestsLeft: this.throttledRequestsLeft,
      retryAfterSeconds: this.retryAfterSeconds,
      conflictingWritesLeft: this.conflictingWritesLeft,
    };
  }

  /** The error to answer instead of serving a request, using up one unit of any budget it draws on. */
  intercept(request: {
    write: boolean;
    target: { group: string; resource: string; name?: string };
  }): ApiError | undefined {
    if (this.unavailable)
      return ApiError.unavailable(
        'the Kubernetes API is unavailable (fault injected by the Polis kube-emulator)',
      );
    if (this.throttledRequestsLeft > 0) {
      this.throttledRequestsLeft -= 1;
      return ApiError.tooManyRequests(this.retryAfterSeconds);
    }
    if (request.write && this.conflictingWritesLeft > 0) {
      this.conflictingWritesLeft -= 1;
      return ApiError.staleResourceVersion(request.target);
    }
    return undefined;
  }
}

/** Body of `POST /emulator/faults`. Every field is optional; several may be combined. */
export const faultRequestSchema = z
  .object({
    clear: z.boolean().optional(),
    refused: z.boolean().optional(),
    partitioned: z.boolean().optional(),
    unavailable: z.boolean().optional(),
    throttle: z
      .object({ requests: z.number().int().min(0), retryAfterSeconds: z.number().int().min(0).default(1) })
      .optional(),
    conflicts: z.number().int().min(0).optional(),
    dropWatches: z.boolean().optional(),
    compactHistory: z.boolean().optional(),
    nodeReady: z.object({ node: z.string().min(1), ready: z.boolean() }).optional(),
  })
  .strict();

export type FaultRequest = z.infer<typeof faultRequestSchema>;
