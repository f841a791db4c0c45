import { type PipeTransform } from '@nestjs/common';
import type { ZodType, ZodTypeDef } from 'zod';
import { PolisError } from './errors';

/** Validates one request part against a zod schema; failures list every bad path. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: ZodType<T, ZodTypeDef, unknown>) {}

  transform(value: unknown): T {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new PolisError(
      'invalid-input',
      problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '),
      problems,
    );
  }
}
