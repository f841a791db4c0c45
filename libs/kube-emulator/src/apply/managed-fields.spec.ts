import fc from 'fast-check';
import type { KubeObject } from '../model/types';
import { fieldSetOf, fromFieldsV1, toFieldsV1 } from './field-set';
import { ApplyConflictError, serverSideApply, trackUpdate, type OwnershipContext } from './managed-fields';

const everything = (): boolean => true;
const SYSTEM = new Set(['name', 'managedFields', 'resourceVersion']);
/** What the registry lets a request to the main resource own. */
const noStatus = (names: readonly string[]): boolean =>
  names[0] !== 'status' &&
  names[0] !== 'apiVersion' &&
  names[0] !== 'kind' &&
  !(names[0] === 'metadata' && SYSTEM.has(names[1] ?? ''));

function context(manager: string, force = false): OwnershipContext & { force: boolean } {
  return { manager, apiVersion: 'apps/v1', now: '2025-01-01T00:00:00Z', filter: noStatus, force };
}

function deployment(spec: object, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...(labels ? { labels } : {}) },
    spec,
  };
}

const managers = (object: KubeObject): Record<string, unknown> =>
  Object.fromEntries(
    (object.metadata.managedFields ?? []).map((entry) => [
      `${entry.manager}/${entry.operation}`,
      entry.fieldsV1,
    ]),
  );

describe('field sets', () => {
  it('encodes keyed list items with the list-map keys, as the API server does', () => {
    const fields = toFieldsV1(
      fieldSetOf(
        { spec: { containers: [{ name: 'app', image: 'x', ports: [{ containerPort: 80 }] }], replicas: 2 } },
        everything,
      ),
    );
    expect(fields).toEqual({
      'f:spec': {
        'f:containers': {
          'k:{"name":"app"}': {
            '.': {},
            'f:name': {},
            'f:image': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          },
        },
        'f:replicas': {},
      },
    });
  });

  it('lists "." first in an owned item that has fields of its own, whatever order the set is in', () => {
    const item = ['f:spec', 'f:containers', 'k:{"name":"app"}'];
    const fields = toFieldsV1(new Set([[...item, 'f:image'].join('\u0000'), item.join('\u0000')]));
    const owned = (fields['f:spec'] as Record<string, Record<string, object>>)['f:containers']?.[
      'k:{"name":"app"}'
    ];
    expect(Object.keys(owned ?? {})).toEqual(['.', 'f:image']);
  });

  it('round-trips any field set through fieldsV1', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const object = fc.dictionary(
      fc.stringMatching(/^[a-z]{1,5}$/),
      fc.oneof(leaf, fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), leaf)),
    );
    fc.assert(
      fc.property(object, (value) => {
        const set = fieldSetOf(value, everything);
        expect(fromFieldsV1(toFieldsV1(set))).toEqual(set);
      }),
    );
  });
});

describe('server-side apply', () => {
  it('creates with the applier owning every field it set', () => {
    const created = serverSideApply(undefined, deployment({ replicas: 2 }, { app: 'web' }), context('polis'));
    expect(managers(created)).toEqual({
      'polis/Apply': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } },
    });
  });

  it('conflicts when another manager owns a field with a different value, unless forced', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 2 }), context('polis'));
    expect(() => serverSideApply(live, deployment({ replicas: 3 }), context('ops'))).toThrow(
      ApplyConflictError,
    );
    try {
      serverSideApply(live, deployment({ replicas: 3 }), context('ops'));
    } catch (error) {
      expect((error as ApplyConflictError).causes).toEqual([
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "polis": .spec.replicas',
          field: '.spec.replicas',
        },
      ]);
    }
    const forced = serverSideApply(live, deployment({ replicas: 3 }), context('ops', true));
    expect(forced.spec).toEqual({ replicas: 3 });
    expect(managers(forced)).toEqual({ 'ops/Apply': { 'f:spec': { 'f:replicas': {} } } });
  });

  it('shares ownership of equal values without conflict, and keeps a field while anyone owns it', () => {
    const first = serverSideApply(undefined, deployment({ replicas: 2, paused: false }), context('a'));
    const shared = serverSideApply(first, deployment({ replicas: 2 }), context('b'));
    const dropped = serverSideApply(shared, deployment({ paused: false }), context('a'));
    expect(dropped.spec).toEqual({ replicas: 2, paused: false });
    const gone = serverSideApply(dropped, deployment({}), context('b'));
    expect(gone.spec).toEqual({ paused: false });
  });

  it('merges keyed lists and removes items the applier stopped declaring', () => {
    const twoContainers = deployment({
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'a:1' },
            { name: 'side', image: 's:1' },
          ],
        },
      },
    });
    const live = serverSideApply(undefined, twoContainers, context('polis'));
    const updated = serverSideApply(
      live,
      deployment({ template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } }),
      context('polis'),
    );
    expect(updated.spec).toEqual({ template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } });
  });

  it('lets a plain update take fields over silently', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 2 }), context('polis'));
    const scaled: KubeObject = { ...live, spec: { replicas: 5 } };
    const managed = trackUpdate(live, scaled, context('kubectl'));
    expect(
      Object.fromEntries(managed.map((entry) => [`${entry.manager}/${entry.operation}`, entry.fieldsV1])),
    ).toEqual({
      'kubectl/Update': { 'f:spec': { 'f:replicas': {} } },
    });
    const reapplied = { ...scaled, metadata: { ...scaled.metadata, managedFields: managed } };
    expect(() => serverSideApply(reapplied, deployment({ replicas: 2 }), context('polis'))).toThrow(
      ApplyConflictError,
    );
  });

  it('never tracks filtered fields such as status', () => {
    const created = serverSideApply(
      undefined,
      { ...deployment({ replicas: 1 }), status: { replicas: 9 } },
      context('polis'),
    );
    expect(created.status).toBeUndefined();
    expect(JSON.stringify(created.metadata.managedFields)).not.toContain('status');
  });
});
