import { applyJsonPatch, JsonPatchError } from './json-patch';

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } };

  it('adds, removes, replaces, moves, copies and tests', () => {
    const result = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/labels/app', value: 'web' },
      { op: 'add', path: '/metadata/labels/tier', value: 'edge' },
      { op: 'add', path: '/spec/containers/-', value: { name: 'c' } },
      { op: 'add', path: '/spec/containers/0', value: { name: 'first' } },
      { op: 'remove', path: '/spec/containers/1' },
      { op: 'replace', path: '/metadata/labels/app', value: 'api' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
    ]);
    expect(result).toEqual({
      metadata: { labels: { app: 'api', copied: 'api', moved: 'edge' } },
      spec: { containers: [{ name: 'first' }, { name: 'b' }, { name: 'c' }] },
    });
    expect(doc.spec.containers).toHaveLength(2);
  });

  it('escapes ~0 and ~1 in pointers', () => {
    expect(
      applyJsonPatch({ labels: {} }, [{ op: 'add', path: '/labels/polis.io~1zone', value: 'n' }]),
    ).toEqual({ labels: { 'polis.io/zone': 'n' } });
  });

  it.each([
    [[{ op: 'test', path: '/metadata/labels/app', value: 'nope' }], 'test operation failed'],
    [[{ op: 'remove', path: '/missing' }], 'does not exist'],
    [[{ op: 'replace', path: '/spec/containers/5', value: 1 }], 'out of range'],
    [[{ op: 'jump', path: '/a' }], 'invalid JSON patch operation'],
    [{ op: 'add' }, 'must be an array'],
  ])('rejects %j', (patch, message) => {
    expect(() => applyJsonPatch(doc, patch)).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, patch)).toThrow(message);
  });
});
