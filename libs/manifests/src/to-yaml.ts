import { stringify } from 'yaml';

const OPTIONS = {
  // Keys keep the order the renderers built them in (apiVersion, kind, metadata, spec), as kubectl prints.
  sortMapEntries: false,
  // Long strings (digests, URLs) stay on one line, so golden-file diffs show the real change.
  lineWidth: 0,
  // Objects shared between two places (labels) are written twice, never as YAML anchors and aliases.
  aliasDuplicateObjects: false,
  // As prettier writes YAML in this repository, so golden files stay prettier-clean.
  singleQuote: true,
} as const;

/** Multi-document YAML of the objects, as `kubectl apply -f` and the K3s deploy controller read it. */
export function toYamlDocuments(objects: readonly object[]): string {
  return objects.map((object) => stringify(object, OPTIONS)).join('---\n');
}
