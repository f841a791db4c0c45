import type { Labels, Site, SiteSelector, Taint, Toleration } from './model';

/** Kubernetes nodeSelector semantics: every selector label must be present with the same value. */
export function matchesLabels(labels: Labels, selector: Labels | undefined): boolean {
  if (selector === undefined) return true;
  for (const key in selector) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}

/** Kubernetes toleration semantics (an absent taint value compares as the empty string). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  if (toleration.key === undefined || toleration.key === '') return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
}

/** Only NoSchedule and NoExecute repel; PreferNoSchedule is a soft preference the planner ignores. */
export function isRepellingTaint(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

/** The first repelling taint none of the tolerations tolerates, or undefined when the node admits the pod. */
export function untoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): Taint | undefined {
  return taints.find((taint) => isRepellingTaint(taint) && !tolerations.some((t) => tolerates(t, taint)));
}

export function matchesSiteSelector(site: Site, selector: SiteSelector): boolean {
  if (selector.ids !== undefined && !selector.ids.includes(site.id)) return false;
  if (selector.kinds !== undefined && !selector.kinds.includes(site.kind)) return false;
  if (selector.zones !== undefined && !selector.zones.includes(site.zone)) return false;
  return matchesLabels(site.labels, selector.labels);
}

export function describeSiteSelector(selector: SiteSelector): string {
  const parts: string[] = [];
  if (selector.ids !== undefined) parts.push(`ids ${selector.ids.join(', ') || '(none)'}`);
  if (selector.kinds !== undefined) parts.push(`kind ${selector.kinds.join(' or ') || '(none)'}`);
  if (selector.zones !== undefined) parts.push(`zone ${selector.zones.join(' or ') || '(none)'}`);
  if (selector.labels !== undefined) parts.push(`labels ${formatLabels(selector.labels)}`);
  return parts.length === 0 ? 'any site' : parts.join(', ');
}

export function formatLabels(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
}

export function formatTaint(taint: Taint): string {
  return `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`;
}
