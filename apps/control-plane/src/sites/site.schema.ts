import { z } from 'zod';
import { SITE_KINDS, siteDataPolicySchema, siteDataWindowSchema } from '@polis/contracts';
import { isDns1123Label } from '@polis/manifests';

/** Kubernetes label values (what zone and free labels become on nodes and objects). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kubernetes label keys: optional DNS prefix, then a name. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const MAX_KUBECONFIG_BYTES = 256 * 1024;

export const siteIdSchema = z
  .string()
  .refine(isDns1123Label, 'site ids are [a-z0-9-], at most 63 characters, alphanumeric at both ends');

const coordinates = z
  .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
  .strict();

const labels = z
  .record(
    z.string().max(253).regex(LABEL_KEY, 'label keys are Kubernetes label keys'),
    z.string().max(63).regex(LABEL_VALUE, 'label values are Kubernetes label values'),
  )
  .refine((value) => Object.keys(value).length <= 64, 'at most 64 labels');

const kubeconfig = z
  .string()
  .min(1, 'kubeconfig must not be empty')
  .refine((value) => Buffer.byteLength(value) <= MAX_KUBECONFIG_BYTES, 'kubeconfig is larger than 256 KiB');

const fields = {
  name: z.string().trim().min(1).max(200),
  kind: z.enum(SITE_KINDS),
  coordinates,
  /** The city zone, also the data-residency boundary: it must be a label value (nodes carry it). */
  zone: z.string().min(1).max(63).regex(LABEL_VALUE, 'zone must be a Kubernetes label value'),
  labels: labels.default({}),
  /** What may leave the site and to whom (docs/edge-data-plane.md); absent means DEFAULT_DATA_POLICY. */
  dataPolicy: siteDataPolicySchema.optional(),
  /** The site stream's limits; absent means DEFAULT_DATA_WINDOW. */
  dataWindow: siteDataWindowSchema.optional(),
};

/** Body of POST /sites. */
export const registerSiteSchema = z.object({ id: siteIdSchema, ...fields, kubeconfig }).strict();

/** Body of PUT /sites/:id: every field again; the kubeconfig may be left out to keep the stored one. */
export const replaceSiteSchema = z
  .object({ id: siteIdSchema.optional(), ...fields, kubeconfig: kubeconfig.optional() })
  .strict();

/** Body of PATCH /sites/:id: any subset of the fields. */
export const patchSiteSchema = z
  .object({
    name: fields.name.optional(),
    kind: fields.kind.optional(),
    coordinates: coordinates.optional(),
    zone: fields.zone.optional(),
    labels: labels.optional(),
    dataPolicy: fields.dataPolicy,
    dataWindow: fields.dataWindow,
    kubeconfig: kubeconfig.optional(),
  })
  .strict();

export type RegisterSite = z.infer<typeof registerSiteSchema>;
export type ReplaceSite = z.infer<typeof replaceSiteSchema>;
export type PatchSite = z.infer<typeof patchSiteSchema>;

/** A site's description, as stored and as returned (never with its kubeconfig). */
export type SiteDescription = Omit<RegisterSite, 'kubeconfig'>;
