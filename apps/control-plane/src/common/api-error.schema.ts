import { z } from 'zod';
import { DEPENDENCIES } from './dependency-errors';

/**
 * The one shape of every error answer. `error` is a stable machine-readable code: a PolisError code
 * (invalid-input, not-found, conflict, forbidden, unavailable), a model rejection reason on model uploads,
 * `http-error` for a refusal by the framework, or `internal` (details stay in the log).
 */
export const apiErrorSchema = z
  .object({
    error: z.string().describe('stable code, e.g. invalid-input, not-found, conflict, unavailable'),
    message: z.string().describe('what went wrong, for people'),
    details: z
      .union([
        z
          .object({
            dependency: z.enum(DEPENDENCIES).describe('on 503: the dependency that is down'),
            site: z.string().optional().describe('for site-cluster: the site whose cluster did not answer'),
          })
          .passthrough(),
        z
          .object({
            problem: z.string().describe('a finer code, e.g. invalid-body, unknown-model, unreachable'),
            problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
          })
          .passthrough(),
        z
          .array(z.object({ path: z.string(), message: z.string() }))
          .describe('invalid parameters, sensor kinds and model metadata headers: every bad path'),
        z
          .array(z.object({ code: z.string(), detail: z.string() }))
          .describe('a model the validator refused: what it found'),
        z.array(z.string()).describe('metadata-mismatch: each way the metadata disagrees with the graph'),
        z
          .object({ sha256: z.string() })
          .passthrough()
          .describe('a model version that exists with other content: its SHA-256'),
      ])
      .optional()
      .describe('machine-readable specifics; their shape depends on `error`'),
  })
  .strict();
