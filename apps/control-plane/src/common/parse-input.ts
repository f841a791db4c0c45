import type { ZodType, ZodTypeDef } from 'zod';
import { PolisError } from './errors';

/** Parses a request body; a refusal lists every bad field (400 invalid-input, problem invalid-body). */
export function parseInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new PolisError(
    'invalid-input',
    problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '),
    { problem: 'invalid-body', problems },
  );
}

/** JSON from a stored entry, or undefined when it is not JSON: the caller's schema then refuses it. */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
