import type { V1ObjectMeta } from '@kubernetes/client-node';

/** Metadata of an object Polis renders: always named and labelled, so it can be applied and pruned. */
export interface RenderedMeta extends V1ObjectMeta {
  name: string;
  labels: Record<string, string>;
}

/**
 * A client-node model type narrowed to what server-side apply needs: apiVersion, kind and metadata
 * are always present (client-node declares them optional because it also describes partial objects).
 */
export type Rendered<T extends { metadata?: V1ObjectMeta }> = T & {
  apiVersion: string;
  kind: string;
  metadata: RenderedMeta;
};

/** Shared namespace of every model runner on a site; the site kit (k3s/manifests/polis-edge.yaml) creates it. */
export const POLIS_MODELS_NAMESPACE = 'polis-models';
