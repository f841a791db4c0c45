import { NODE_LABEL_TOPOLOGY_ZONE, NODE_LABEL_ZONE } from '@polis/manifests';

/**
 * Does a site's cluster agree with the zone the site is registered in? Its nodes say where they are with
 * `polis.city/zone` (Polis's own label, set by the site kit) or else the well-known
 * `topology.kubernetes.io/zone`. A disagreement is worth a warning, not a refusal: the registration states
 * the data-residency zone, and node labels can lag behind it (or name a cloud zone instead).
 */
export const ZONE_LABELS = [NODE_LABEL_ZONE, NODE_LABEL_TOPOLOGY_ZONE] as const;

export interface NodeLabels {
  name: string;
  labels?: Record<string, string>;
}

export interface ZoneMismatch {
  code: 'zone-mismatch';
  message: string;
  /** The nodes that disagree, with the label that says so. */
  nodes: { name: string; label: (typeof ZONE_LABELS)[number]; zone: string }[];
}

/** Warnings of a site registration or update; empty when every labelled node is in the site's zone. */
export type SiteWarning = ZoneMismatch;

export function zoneMismatch(
  siteId: string,
  zone: string,
  nodes: readonly NodeLabels[],
): ZoneMismatch | undefined {
  const disagreeing = nodes.flatMap((node) => {
    const label = ZONE_LABELS.find((key) => node.labels?.[key] !== undefined);
    const nodeZone = label && node.labels?.[label];
    return label && nodeZone !== undefined && nodeZone !== zone
      ? [{ name: node.name, label, zone: nodeZone }]
      : [];
  });
  if (disagreeing.length === 0) return undefined;
  const shown = disagreeing
    .slice(0, 5)
    .map((node) => `${node.name} (${node.label}=${node.zone})`)
    .join(', ');
  const more = disagreeing.length > 5 ? ` and ${disagreeing.length - 5} more` : '';
  return {
    code: 'zone-mismatch',
    message:
      `site "${siteId}" is registered in zone "${zone}", but ${disagreeing.length} of ${nodes.length} ` +
      `nodes of its cluster are labelled with another zone: ${shown}${more}`,
    nodes: disagreeing,
  };
}
