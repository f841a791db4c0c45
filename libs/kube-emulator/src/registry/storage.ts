/**
 * The generic registry: create/update/apply/delete with the metadata bookkeeping, defaulting,
 * validation, optimistic concurrency and field ownership of a real API server. Used by the HTTP
 * handlers and by the simulated controllers alike.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type ErrorTarget } from '../model/api-error';
import { deepEqual, isObject } from '../model/json';
import { apiVersionOf, resourceKey, type ResourceCatalog, type ResourceType } from '../model/resources';
import type { KubeObject, OwnerReference } from '../model/types';
import {
  ApplyConflictError,
  serverSideApply,
  trackUpdate,
  type OwnershipContext,
} from '../apply/managed-fields';
import type { FieldFilter } from '../apply/field-set';
import type { ObjectStore } from '../store/object-store';
import { applyDefaults } from './defaults';
import { validateImmutable, validateObject } from './validation';

export interface WriteContext {
  /** Field manager to record in managedFields; internal controller writes leave it out. */
  manager?: string;
  dryRun?: boolean;
  /**
   * 'status' when the request addressed the /status subresource. 'binding' is the scheduler's
   * pods/binding: it sets spec.nodeName and the PodScheduled condition in one write, as the API
   * server's binding does (it is not served over HTTP).
   */
  subresource?: 'status' | 'binding';
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** Kinds whose spec changes bump metadata.generation (the ones clients compare with observedGeneration). */
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet']);
/** Kinds whose status is written by the system, never by a plain create. */
const SYSTEM_STATUS_KINDS = new Set(['Deployment', 'ReplicaSet', 'Pod']);
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const SYSTEM_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);
const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** RFC 3339 to the second, as Kubernetes writes timestamps. */
export function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function target(type: ResourceType, name?: string): ErrorTarget {
  return { group: type.group, resource: type.plural, name };
}

/** Everything but metadata and status: what metadata.generation tracks. */
function specOf(object: KubeObject): unknown {
  const rest: Record<string, unknown> = { ...object };
  delete rest.metadata;
  delete rest.status;
  return rest;
}

export class ResourceStorage {
  private clusterIpCounter = 0;

  constructor(
    private readonly store: ObjectStore,
    readonly catalog: ResourceCatalog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get revision(): number {
    return this.store.currentRevision;
  }

  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(resourceKey(type), type.namespaced ? namespace : undefined, name);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.find(type, namespace, name);
    if (!object) throw ApiError.notFound(target(type, name));
    return object;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    return this.store.list(resourceKey(type), type.namespaced ? namespace : undefined);
  }

  /** Objects of a type in a namespace whose ownerReferences name the owner's uid, in key order. */
  listOwnedBy(type: ResourceType, owner: KubeObject): KubeObject[] {
    const uid = owner.metadata.uid;
    if (!uid) return [];
    const namespace = type.namespaced ? owner.metadata.namespace : undefined;
    return this.store
      .listOwnedBy(resourceKey(type), uid)
      .filter((object) => object.metadata.namespace === namespace);
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    context: WriteContext,
  ): KubeObject {
    const object = this.decode(type, namespace, body);
    const meta = object.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + this.randomSuffix();
    this.requireNamespace(type, meta.namespace);
    if (meta.name && this.find(type, meta.namespace, meta.name))
      throw ApiError.alreadyExists(target(type, meta.name));
    for (const field of ['uid', 'resourceVersion', 'deletionTimestamp', 'generation'] as const)
      delete meta[field];
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.clock());
    if (GENERATION_KINDS.has(type.kind)) meta.generation = 1;
    if (SYSTEM_STATUS_KINDS.has(type.kind)) delete object.status;
    return this.commit(type, undefined, object, context, false);
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    context: WriteContext,
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const next = this.decode(type, namespace, body);
    if (next.metadata.name !== name) {
      throw ApiError.badRequest(
        `the name of the object (${next.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    return this.replace(type, current, next, context);
  }

  /**
   * Read-modify-write: used by PATCH handlers and controllers. `change` gets the stored object,
   * which is frozen: it returns a new object (sharing what it does not change), never edits it.
   */
  mutate(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    change: (current: KubeObject) => unknown,
    context: WriteContext,
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const next = this.decode(type, namespace, change(current));
    if (next.metadata.name !== name) throw ApiError.badRequest('metadata.name may not be changed by a patch');
    return this.replace(type, current, next, context);
  }

  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    context: WriteContext & { manager: string; force: boolean },
  ): KubeObject {
    const applied = this.decode(type, namespace, body);
    if (applied.metadata.name !== name) {
      throw ApiError.badRequest(
        `the name of the object (${applied.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    const current = this.find(type, namespace, name);
    const ownership = { ...this.ownership(type, context.manager, context.subresource), force: context.force };
    let merged: KubeObject;
    try {
      merged = serverSideApply(current, applied, ownership);
    } catch (error) {
      if (error instanceof ApplyConflictError) throw ApiError.applyConflict(target(type, name), error.causes);
      throw error;
    }
    if (!current) {
      this.requireNamespace(type, applied.metadata.namespace);
      merged.metadata = { ...merged.metadata, name, namespace: applied.metadata.namespace };
      return this.create(type, namespace, merged, { ...context, manager: undefined });
    }
    // A resourceVersion in the applied configuration is a precondition, as on update.
    merged.metadata.resourceVersion = applied.metadata.resourceVersion ?? current.metadata.resourceVersion;
    return this.replace(type, current, merged, { ...context, manager: undefined });
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid && uid !== current.metadata.uid) {
      throw ApiError.conflict(
        target(type, name),
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    }
    if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
      throw ApiError.conflict(
        target(type, name),
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
      );
    }
    if (type.kind === 'Namespace' && UNDELETABLE_NAMESPACES.has(name)) {
      throw new ApiError(
        403,
        'Forbidden',
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      );
    }
    if (options.dryRun) return current;
    if (type.kind === 'Namespace') this.emptyNamespace(name);
    const deleted = this.store.remove(resourceKey(type), current.metadata.namespace, name) ?? current;
    this.handleDependents(current, options.propagationPolicy ?? 'Background');
    return deleted;
  }

  /** A field filter: what a request to this resource (or its status) may own under server-side apply. */
  fieldFilter(type: ResourceType, subresource: string | undefined): FieldFilter {
    const hasStatus = type.subresources.includes('status');
    return (names) => {
      const [top, second] = names;
      if (top === 'apiVersion' || top === 'kind') return false;
      if (top === 'metadata' && second !== undefined && SYSTEM_METADATA.has(second)) return false;
      if (!hasStatus || top === undefined || top === 'metadata') return true;
      return subresource === 'status' ? top === 'status' : top !== 'status';
    };
  }

  private ownership(type: ResourceType, manager: string, subresource: string | undefined): OwnershipContext {
    return {
      manager,
      apiVersion: apiVersionOf(type),
      subresource,
      now: timestamp(this.clock()),
      filter: this.fieldFilter(type, subresource),
    };
  }

  private replace(
    type: ResourceType,
    current: KubeObject,
    next: KubeObject,
    context: WriteContext,
  ): KubeObject {
    const expected = next.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion)
      throw ApiError.staleResourceVersion(target(type, current.metadata.name));
    // The stored object is frozen, so the result can share its parts instead of copying them.
    let result: KubeObject;
    if (context.subresource === 'status') {
      result = { ...current, metadata: { ...current.metadata }, status: next.status };
    } else {
      result = next;
      if (context.subresource !== 'binding' && type.subresources.includes('status')) {
        if (current.status === undefined) delete result.status;
        else result.status = current.status;
      }
    }
    const meta = result.metadata;
    meta.uid = current.metadata.uid;
    meta.creationTimestamp = current.metadata.creationTimestamp;
    meta.namespace = current.metadata.namespace;
    if (current.metadata.generation !== undefined) meta.generation = current.metadata.generation;
    else delete meta.generation;
    const causes = validateImmutable(current, result);
    if (causes.length > 0) throw ApiError.invalid(type.kind, current.metadata.name ?? '', causes);
    return this.commit(
      type,
      current,
      result,
      context,
      !deepEqual(result.metadata.managedFields, current.metadata.managedFields),
    );
  }

  /** Defaults, validates, records ownership, bumps generation and stores (unless dry-run or a no-op). */
  private commit(
    type: ResourceType,
    current: KubeObject | undefined,
    object: KubeObject,
    context: WriteContext,
    managedFieldsGiven: boolean,
  ): KubeObject {
    applyDefaults(object, current, { allocateClusterIp: () => this.allocateClusterIp() });
    const causes = validateObject(object);
    if (causes.length > 0) throw ApiError.invalid(type.kind, object.metadata.name ?? '', causes);
    if (current && GENERATION_KINDS.has(type.kind) && !deepEqual(specOf(current), specOf(object))) {
      object.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (!managedFieldsGiven && context.manager) {
      const managed = trackUpdate(
        current,
        object,
        this.ownership(type, context.manager, context.subresource),
      );
      if (managed.length > 0) object.metadata.managedFields = managed;
    }
    if (object.metadata.managedFields?.length === 0) delete object.metadata.managedFields;
    if (current) {
      object.metadata.resourceVersion = current.metadata.resourceVersion;
      if (deepEqual(current, object)) return current;
    }
    if (context.dryRun) return object;
    return this.store.put(resourceKey(type), object);
  }

  /**
   * Checks the shape of a request body and pins kind, apiVersion and namespace. The result has its
   * own top level and metadata, which the write path edits; deeper parts are the body's (a freshly
   * decoded request, or a controller's new object that may share frozen parts of stored ones).
   */
  private decode(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    if (!isObject(body)) throw ApiError.badRequest('the request body must be a JSON object');
    const object = { ...body } as KubeObject;
    if (isObject(object.metadata)) object.metadata = { ...object.metadata };
    const apiVersion = apiVersionOf(type);
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw ApiError.badRequest(
        `the kind of the object (${String(object.kind)}) does not match the resource (${type.kind})`,
      );
    }
    if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) {
      throw ApiError.badRequest(
        `the API version of the object (${String(object.apiVersion)}) does not match ${apiVersion}`,
      );
    }
    object.kind = type.kind;
    object.apiVersion = apiVersion;
    if (!isObject(object.metadata)) object.metadata = {};
    const meta = object.metadata;
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw ApiError.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) throw ApiError.badRequest('a namespace is required for namespaced resources');
    } else {
      delete meta.namespace;
    }
    return object;
  }

  private requireNamespace(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced || !namespace) return;
    const namespaces = this.catalog.find('', 'v1', 'namespaces');
    if (namespaces && !this.find(namespaces, undefined, namespace)) {
      throw ApiError.notFound({ group: '', resource: 'namespaces', name: namespace });
    }
  }

  private emptyNamespace(namespace: string): void {
    for (const type of this.catalog.types) {
      if (!type.namespaced) continue;
      for (const object of this.list(type, namespace))
        this.store.remove(resourceKey(type), namespace, object.metadata.name ?? '');
    }
  }

  /** The garbage collector: cascades deletion to dependents, or orphans them. */
  private handleDependents(owner: KubeObject, policy: NonNullable<DeleteOptions['propagationPolicy']>): void {
    const uid = owner.metadata.uid;
    if (!uid || !owner.metadata.namespace) return;
    for (const type of this.catalog.types) {
      if (!type.namespaced) continue;
      for (const dependent of this.listOwnedBy(type, owner)) {
        const references: OwnerReference[] = dependent.metadata.ownerReferences ?? [];
        const name = dependent.metadata.name ?? '';
        if (policy === 'Orphan') {
          this.mutate(
            type,
            dependent.metadata.namespace,
            name,
            (object) => ({
              ...object,
              metadata: {
                ...object.metadata,
                ownerReferences: references.filter((reference) => reference.uid !== uid),
              },
            }),
            {},
          );
        } else if (this.find(type, dependent.metadata.namespace, name)) {
          this.delete(type, dependent.metadata.namespace, name, { propagationPolicy: policy });
        }
      }
    }
  }

  private allocateClusterIp(): string {
    this.clusterIpCounter += 1;
    const n = this.clusterIpCounter + 10;
    return `10.43.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }

  private randomSuffix(): string {
    let suffix = '';
    for (let i = 0; i < 5; i += 1)
      suffix += GENERATE_NAME_ALPHABET.charAt(Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length));
    return suffix;
  }
}
