import { SHA256_PATTERN } from '@polis/contracts';
import { z } from 'zod';

/** `<prefix>.control.runtime.<siteId>.<modelName>`: every replica of the model on the site listens. */
export function controlSubject(prefix: string, siteId: string, modelName: string): string {
  return `${prefix}.control.runtime.${siteId}.${modelName}`;
}

export const switchRequestSchema = z
  .object({
    version: z.string().min(1).max(128),
    sha256: z.string().regex(SHA256_PATTERN).optional(),
  })
  .strict();
export type SwitchRequest = z.infer<typeof switchRequestSchema>;

export type SwitchReply =
  | {
      ok: true;
      instance: string;
      version: string;
      previousVersion: string;
      from: 'cache' | 'hub' | 'current';
    }
  | { ok: false; instance: string; version: string; error: string };

export function parseSwitchRequest(payload: Uint8Array): SwitchRequest | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return { error: 'request is not JSON' };
  }
  const result = switchRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { error: `${issue.path.join('.') || 'request'}: ${issue.message}` };
  }
  return result.data;
}
