import { z } from 'zod';
import { isDns1123Label } from '../names';

/** The namespace of a site's own infrastructure (the leaf node); the site kit creates it. */
export const POLIS_SYSTEM_NAMESPACE = 'polis-system';
export const LEAF_APP_NAME = 'polis-site-nats';
/** Ports inside the pod (nats-server's defaults); the Service exposes the client port to the site. */
export const LEAF_CLIENT_PORT = 4222;
export const LEAF_MONITOR_PORT = 8222;
/** Where the ConfigMap is mounted and the stream data lives in the pod. */
export const LEAF_CONFIG_DIR = '/etc/nats';
export const LEAF_CONFIG_FILE = 'nats-server.conf';
export const LEAF_STORE_DIR = '/data/jetstream';

const TOKEN = /^[a-z0-9-]{1,64}$/;
/** A leafnode URL of the hub: nats-leaf:// (or tls://) host:port, no credentials in it. */
const LEAF_URL = /^(nats-leaf|nats|tls):\/\/[A-Za-z0-9.-]+:\d{1,5}$/;

export const siteLeafInputSchema = z
  .object({
    siteId: z
      .string()
      .refine((id) => isDns1123Label(id) && TOKEN.test(id), 'siteId must be a DNS label and a subject token'),
    subjectPrefix: z.string().regex(/^[a-z0-9-]{1,64}$/, 'subjectPrefix is one [a-z0-9-] token'),
    /** The hub's leafnode listener as the site reaches it. */
    hubLeafUrl: z.string().regex(LEAF_URL, 'hubLeafUrl is nats-leaf://host:port (no credentials)'),
    image: z
      .object({
        repository: z.string().min(1).max(200).default('nats'),
        tag: z.string().min(1).max(128).default('2.9.10-alpine'),
      })
      .strict()
      .default({}),
    /** JetStream file store for the site stream: the site's data window in bytes, plus headroom. */
    maxFileStoreBytes: z
      .number()
      .int()
      .min(16 * 1024 * 1024),
    maxMemoryStoreBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(64 * 1024 * 1024),
  })
  .strict();

export type SiteLeafInput = z.input<typeof siteLeafInputSchema>;
export type SiteLeafSpec = z.output<typeof siteLeafInputSchema>;

export class SiteLeafInputError extends Error {
  override readonly name = 'SiteLeafInputError';
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`invalid site leaf: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`);
  }
}
