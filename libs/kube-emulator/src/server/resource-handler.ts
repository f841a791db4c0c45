/** The REST verbs on one resource type: get, list, watch, create, update, patch, apply, delete. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../model/api-error';
import { getPath, type JsonObject } from '../model/json';
import { apiVersionOf, type ResourceType } from '../model/resources';
import type { KubeObject } from '../model/types';
import { applyJsonPatch } from '../patch/json-patch';
import { applyMergePatch } from '../patch/json-merge-patch';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch';
import type { DeleteOptions, ResourceStorage, WriteContext } from '../registry/storage';
import {
  matchesFields,
  parseFieldSelector,
  pinnedName,
  type FieldSelector,
} from '../selectors/field-selector';
import { matchesLabels, parseLabelSelector, type LabelSelector } from '../selectors/label-selector';
import { objectKey, type ObjectStore } from '../store/object-store';
import { decodeObjectBody, decodePatchBody, patchTypeOf, readBody, type PatchType } from './body';
import type { ResponseFormat } from './negotiation';
import { parseLogRequest, streamLog, type PodLogSource } from './pod-logs';
import { fromScale, toScale } from './scale';
import { toTable, type IncludeObject } from './table';
import type { WatchHub } from './watch-stream';

export interface ResourceCall {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
  query: URLSearchParams;
  format: ResponseFormat;
  request: IncomingMessage;
  response: ServerResponse;
}

export interface ResourceHandlerDeps {
  storage: ResourceStorage;
  store: ObjectStore;
  watches: WatchHub;
  clock: () => Date;
  maxBodyBytes: number;
  /** Where pods' container output is, when a runtime runs them (`kubectl logs`). */
  podLogs?: PodLogSource;
  send: (response: ServerResponse, code: number, body: unknown) => void;
}

interface ContinueToken {
  revision: number;
  after: string;
}

const INCLUDE_OBJECT = new Set<IncludeObject>(['None', 'Metadata', 'Object']);

function patcher(type: PatchType): (target: unknown, patch: unknown) => unknown {
  switch (type) {
    case 'json':
      return applyJsonPatch;
    case 'merge':
      return applyMergePatch;
    case 'strategic':
    case 'apply':
      return applyStrategicMergePatch;
  }
}

/** Field managers default to the client's name from its User-Agent, as the API server does. */
export function defaultFieldManager(userAgent: string | undefined): string {
  const name = (userAgent ?? '').split('/')[0]?.trim() ?? '';
  return (name || 'unknown').slice(0, 128);
}

export class ResourceHandler {
  constructor(private readonly deps: ResourceHandlerDeps) {}

  async handle(call: ResourceCall): Promise<void> {
    const { request, type, name, subresource } = call;
    if (subresource && !type.subresources.includes(subresource as never)) {
      throw ApiError.pathNotFound(request.url ?? '');
    }
    const method = request.method ?? '';
    if (subresource === 'log') {
      if (method !== 'GET' || !name) throw ApiError.methodNotAllowed(method);
      return this.log(call, name);
    }
    switch (method) {
      case 'GET':
        if (call.watch) return this.watch(call);
        if (name) return this.get(call, name);
        return this.list(call);
      case 'POST':
        if (name) throw ApiError.methodNotAllowed('POST');
        return this.create(call);
      case 'PUT':
        if (!name) throw ApiError.methodNotAllowed('PUT');
        return this.update(call, name);
      case 'PATCH':
        if (!name) throw ApiError.methodNotAllowed('PATCH');
        return this.patch(call, name);
      case 'DELETE':
        if (subresource) throw ApiError.methodNotAllowed('DELETE');
        return name ? this.delete(call, name) : this.deleteCollection(call);
      default:
        throw ApiError.methodNotAllowed(method);
    }
  }

  private selectors(call: ResourceCall): { labels: LabelSelector; fields: FieldSelector } {
    const supported = new Set(['metadata.name', 'metadata.namespace', ...call.type.fieldSelectors]);
    const fields = [...parseFieldSelector(call.query.get('fieldSelector') ?? '', supported)];
    if (call.name) fields.push({ field: 'metadata.name', negated: false, value: call.name });
    return { labels: parseLabelSelector(call.query.get('labelSelector') ?? ''), fields };
  }

  private selected(call: ResourceCall): KubeObject[] {
    const { labels, fields } = this.selectors(call);
    const name = pinnedName(fields);
    const candidates = name
      ? [this.deps.storage.find(call.type, call.namespace, name)].filter(
          (object): object is KubeObject => object !== undefined,
        )
      : this.deps.storage.list(call.type, call.namespace);
    return candidates.filter(
      (object) => matchesLabels(object.metadata.labels, labels) && matchesFields(object, fields),
    );
  }

  private render(
    call: ResourceCall,
    objects: KubeObject[],
    list: boolean,
    continueToken?: string,
    remaining?: number,
  ): unknown {
    const resourceVersion = String(this.deps.storage.revision);
    const { format } = call;
    switch (format.kind) {
      case 'table': {
        const include = (call.query.get('includeObject') ?? 'Metadata') as IncludeObject;
        if (!INCLUDE_OBJECT.has(include)) throw ApiError.badRequest(`invalid includeObject "${include}"`);
        return toTable(call.type.kind, objects, {
          version: format.version,
          include,
          resourceVersion,
          continueToken,
          now: this.deps.clock(),
        });
      }
      case 'metadata': {
        const apiVersion = `meta.k8s.io/${format.version}`;
        const items = objects.map((object) => ({
          kind: 'PartialObjectMetadata',
          apiVersion,
          metadata: object.metadata,
        }));
        if (!list) return items[0];
        return {
          kind: 'PartialObjectMetadataList',
          apiVersion,
          metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
          items,
        };
      }
      case 'object':
      case 'discovery': {
        if (!list) return objects[0];
        return {
          kind: `${call.type.kind}List`,
          apiVersion: apiVersionOf(call.type),
          metadata: {
            resourceVersion,
            ...(continueToken ? { continue: continueToken, remainingItemCount: remaining } : {}),
          },
          items: objects,
        };
      }
    }
  }

  private get(call: ResourceCall, name: string): void {
    const object = this.deps.storage.get(call.type, call.namespace, name);
    if (call.subresource === 'scale') return this.deps.send(call.response, 200, toScale(object));
    this.deps.send(call.response, 200, this.render(call, [object], false));
  }

  /** A pod's container output, from the runtime's log file (the simulated pods have none). */
  private async log(call: ResourceCall, name: string): Promise<void> {
    const pod = this.deps.storage.get(call.type, call.namespace, name);
    const request = parseLogRequest(pod, call.query);
    const waiting = !getPath(pod, ['spec', 'nodeName']) || getPath(pod, ['status', 'phase']) === 'Pending';
    if (waiting)
      throw ApiError.badRequest(
        `container "${request.container}" in pod "${name}" is waiting to start: ContainerCreating`,
      );
    const file = this.deps.podLogs?.logFile(pod, request.container);
    if (!file)
      throw ApiError.badRequest(
        `container "${request.container}" in pod "${name}" has no log: the Polis kube-emulator only simulates it ` +
          '(only Polis pods run as processes, with kube-emulator --run-pods)',
      );
    const uid = pod.metadata.uid;
    const source = this.deps.podLogs;
    await streamLog(file, request, call.response, () => {
      const current = this.deps.storage.find(call.type, call.namespace, name);
      return (
        current !== undefined &&
        current.metadata.uid === uid &&
        source?.running(current, request.container) === true
      );
    }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw ApiError.badRequest(`container "${request.container}" in pod "${name}" has written no log yet`);
      throw error;
    });
  }

  private list(call: ResourceCall): void {
    let objects = this.selected(call);
    const limit = Number(call.query.get('limit') ?? '0');
    const continueParam = call.query.get('continue');
    if (continueParam) {
      const token = this.decodeContinue(continueParam);
      objects = objects.filter(
        (object) => objectKey(object.metadata.namespace, object.metadata.name ?? '') > token.after,
      );
    }
    let continueToken: string | undefined;
    let remaining: number | undefined;
    if (Number.isInteger(limit) && limit > 0 && objects.length > limit) {
      remaining = objects.length - limit;
      objects = objects.slice(0, limit);
      const last = objects[objects.length - 1];
      const token: ContinueToken = {
        revision: this.deps.storage.revision,
        after: objectKey(last?.metadata.namespace, last?.metadata.name ?? ''),
      };
      continueToken = Buffer.from(JSON.stringify(token)).toString('base64url');
    }
    this.deps.send(call.response, 200, this.render(call, objects, true, continueToken, remaining));
  }

  private decodeContinue(value: string): ContinueToken {
    let token: unknown;
    try {
      token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    } catch {
      throw ApiError.badRequest('invalid continue token');
    }
    const candidate = token as Partial<ContinueToken>;
    if (typeof candidate.revision !== 'number' || typeof candidate.after !== 'string')
      throw ApiError.badRequest('invalid continue token');
    if (candidate.revision < this.deps.store.oldestWatchableRevision) {
      throw ApiError.expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    return { revision: candidate.revision, after: candidate.after };
  }

  private watch(call: ResourceCall): void {
    const { labels, fields } = this.selectors(call);
    const timeout = Number(call.query.get('timeoutSeconds') ?? '0');
    const include = (call.query.get('includeObject') ?? 'Metadata') as IncludeObject;
    const render = (object: KubeObject): JsonObject => {
      if (call.format.kind !== 'table') return object;
      return toTable(call.type.kind, [object], {
        version: call.format.version,
        include: INCLUDE_OBJECT.has(include) ? include : 'Metadata',
        resourceVersion: object.metadata.resourceVersion ?? '',
        now: this.deps.clock(),
      });
    };
    this.deps.watches.serve(
      this.deps.store,
      () => this.deps.storage.list(call.type, call.namespace),
      {
        type: call.type,
        namespace: call.namespace,
        labels,
        fields,
        resourceVersion: call.query.get('resourceVersion') ?? undefined,
        sendInitialEvents: call.query.get('sendInitialEvents') === 'true',
        allowBookmarks: call.query.get('allowWatchBookmarks') === 'true',
        timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
        render,
      },
      call.response,
    );
  }

  private writeContext(call: ResourceCall): WriteContext {
    const dryRun = call.query.getAll('dryRun');
    if (dryRun.some((value) => value !== 'All'))
      throw ApiError.badRequest(`unsupported dryRun value: ${dryRun.join(',')}`);
    return {
      manager: call.query.get('fieldManager') ?? defaultFieldManager(call.request.headers['user-agent']),
      dryRun: dryRun.length > 0,
      ...(call.subresource === 'status' ? { subresource: 'status' as const } : {}),
    };
  }

  private async body(call: ResourceCall): Promise<unknown> {
    return decodeObjectBody(
      await readBody(call.request, this.deps.maxBodyBytes),
      call.request.headers['content-type'],
    );
  }

  private async create(call: ResourceCall): Promise<void> {
    const created = this.deps.storage.create(
      call.type,
      call.namespace,
      await this.body(call),
      this.writeContext(call),
    );
    this.deps.send(call.response, 201, created);
  }

  private async update(call: ResourceCall, name: string): Promise<void> {
    const body = await this.body(call);
    const context = this.writeContext(call);
    if (call.subresource === 'scale') {
      const updated = this.deps.storage.mutate(
        call.type,
        call.namespace,
        name,
        (current) => this.scaled(current, body),
        context,
      );
      return this.deps.send(call.response, 200, toScale(updated));
    }
    this.deps.send(
      call.response,
      200,
      this.deps.storage.update(call.type, call.namespace, name, body, context),
    );
  }

  private scaled(current: KubeObject, scale: unknown): KubeObject {
    const next = fromScale(current, scale);
    if (!next)
      throw ApiError.invalid('Scale', current.metadata.name ?? '', [
        { field: 'spec.replicas', message: 'Invalid value: must be greater than or equal to 0' },
      ]);
    return next;
  }

  private async patch(call: ResourceCall, name: string): Promise<void> {
    const patchType = patchTypeOf(call.request.headers['content-type']);
    const patch = decodePatchBody(await readBody(call.request, this.deps.maxBodyBytes), patchType);
    const context = this.writeContext(call);
    if (patchType === 'apply') {
      if (call.subresource === 'scale')
        throw ApiError.unsupportedMediaType('application/apply-patch+yaml on the scale subresource');
      const fieldManager = call.query.get('fieldManager');
      if (!fieldManager)
        throw ApiError.badRequest(
          'PATCH with application/apply-patch+yaml requires the fieldManager parameter',
        );
      const existed = this.deps.storage.find(call.type, call.namespace, name) !== undefined;
      const force = call.query.get('force') === 'true';
      const applied = this.deps.storage.apply(call.type, call.namespace, name, patch, {
        ...context,
        manager: fieldManager,
        force,
      });
      return this.deps.send(call.response, existed ? 200 : 201, applied);
    }
    const apply = patcher(patchType);
    if (call.subresource === 'scale') {
      const updated = this.deps.storage.mutate(
        call.type,
        call.namespace,
        name,
        (current) => this.scaled(current, apply(toScale(current), patch)),
        context,
      );
      return this.deps.send(call.response, 200, toScale(updated));
    }
    const patched = this.deps.storage.mutate(
      call.type,
      call.namespace,
      name,
      (current) => apply(current, patch),
      context,
    );
    this.deps.send(call.response, 200, patched);
  }

  private async deleteOptions(call: ResourceCall): Promise<DeleteOptions> {
    const body = (await this.body(call)) as Record<string, unknown> | undefined;
    const policy =
      call.query.get('propagationPolicy') ??
      body?.propagationPolicy ??
      (body?.orphanDependents === true ? 'Orphan' : undefined);
    if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw ApiError.badRequest(`invalid propagationPolicy ${JSON.stringify(policy)}`);
    }
    const dryRun =
      call.query.getAll('dryRun').length > 0 || (Array.isArray(body?.dryRun) && body.dryRun.length > 0);
    return {
      propagationPolicy: policy,
      preconditions: body?.preconditions as DeleteOptions['preconditions'],
      dryRun,
    };
  }

  private async delete(call: ResourceCall, name: string): Promise<void> {
    const deleted = this.deps.storage.delete(call.type, call.namespace, name, await this.deleteOptions(call));
    this.deps.send(call.response, 200, deleted);
  }

  private async deleteCollection(call: ResourceCall): Promise<void> {
    const options = await this.deleteOptions(call);
    const deleted: KubeObject[] = [];
    for (const object of this.selected(call)) {
      const name = object.metadata.name ?? '';
      // Deleting one item may already have cascaded to another (an owner and its dependents).
      if (!this.deps.storage.find(call.type, object.metadata.namespace, name)) continue;
      deleted.push(this.deps.storage.delete(call.type, object.metadata.namespace, name, options));
    }
    this.deps.send(call.response, 200, {
      kind: `${call.type.kind}List`,
      apiVersion: apiVersionOf(call.type),
      metadata: { resourceVersion: String(this.deps.storage.revision) },
      items: deleted,
    });
  }
}
