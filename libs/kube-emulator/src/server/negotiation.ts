/** Content negotiation on the Accept header, including the `;as=Table` forms kubectl asks for. */

export type ResponseFormat =
  | { kind: 'object' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1' }
  | { kind: 'discovery'; version: 'v2' | 'v2beta1' };

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((range) => range.trim())
    .filter((range) => range !== '')
    .map((range) => {
      const [type = '', ...params] = range.split(';').map((part) => part.trim());
      const map = new Map<string, string>();
      for (const param of params) {
        const [key, value = ''] = param.split('=');
        if (key) map.set(key.trim(), value.trim());
      }
      return { type: type.toLowerCase(), params: map };
    });
}

const JSON_TYPES = new Set(['application/json', '*/*', 'application/*', 'application/yaml']);

function metaVersion(value: string | undefined): 'v1' | 'v1beta1' | undefined {
  return value === 'v1' || value === 'v1beta1' ? value : undefined;
}

/** The first acceptable format in the client's order, or undefined when nothing can be served. */
export function negotiate(accept: string | undefined): ResponseFormat | undefined {
  if (!accept || accept.trim() === '') return { kind: 'object' };
  for (const { type, params } of parseAccept(accept)) {
    if (!JSON_TYPES.has(type)) continue;
    const as = params.get('as');
    if (as === undefined) return { kind: 'object' };
    const group = params.get('g');
    if (as === 'Table' && group === 'meta.k8s.io') {
      const version = metaVersion(params.get('v'));
      if (version) return { kind: 'table', version };
    }
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && group === 'meta.k8s.io') {
      const version = metaVersion(params.get('v'));
      if (version) return { kind: 'metadata', version };
    }
    if (as === 'APIGroupDiscoveryList' && group === 'apidiscovery.k8s.io') {
      const version = params.get('v');
      if (version === 'v2' || version === 'v2beta1') return { kind: 'discovery', version };
    }
  }
  return undefined;
}
