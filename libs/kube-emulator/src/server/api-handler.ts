/**
 * The HTTP front door of one emulated cluster: bearer-token authentication, fault injection,
 * discovery, OpenAPI, /version, health checks, the admin fault endpoint and the resource verbs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../model/api-error';
import { QuantityError } from '@polis/quantity';
import type { ResourceCatalog } from '../model/resources';
import { JsonPatchError } from '../patch/json-patch';
import { StrategicMergePatchError } from '../patch/strategic-merge-patch';
import type { ResourceStorage } from '../registry/storage';
import { FieldSelectorError } from '../selectors/field-selector';
import { SelectorParseError } from '../selectors/label-selector';
import type { ObjectStore } from '../store/object-store';
import { decodeObjectBody, readBody } from './body';
import {
  aggregatedDiscovery,
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery';
import {
  faultRequestSchema,
  type FaultInjector,
  type FaultRequest,
  type FaultResult,
  type FaultSnapshot,
} from './faults';
import { negotiate, type ResponseFormat } from './negotiation';
import {
  openApiV2Json,
  openApiV2Protobuf,
  openApiV3Document,
  openApiV3Root,
  parseOpenApiV3Path,
} from './openapi';
import type { PodLogSource } from './pod-logs';
import { parseApiPath, type ApiRequest, type ResourceRequest } from './request-info';
import { toJson } from './serialize';
import { ResourceHandler } from './resource-handler';
import { EMULATOR_HEADER, versionInfo } from '../model/version';
import type { WatchHub } from './watch-stream';

/** The cluster's fault switches, behind `/emulator/faults` here and on the admin listener. */
export interface FaultSwitches {
  state(): FaultSnapshot;
  apply(request: FaultRequest): Promise<FaultResult>;
}

export interface ApiHandlerOptions {
  catalog: ResourceCatalog;
  storage: ResourceStorage;
  store: ObjectStore;
  faults: FaultInjector;
  watches: WatchHub;
  token: string;
  /** host:port clients reach this server on, for /api's serverAddressByClientCIDRs. */
  serverAddress: () => string;
  faultSwitches: FaultSwitches;
  clock: () => Date;
  maxBodyBytes?: number;
  podLogs?: PodLogSource;
  /** Called with unexpected (non-API) errors; they are answered as 500 InternalError. */
  onInternalError?: (error: unknown) => void;
}

const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Maps the typed errors of the pure modules to API errors. */
function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof SelectorParseError || error instanceof FieldSelectorError)
    return ApiError.badRequest(error.message);
  if (error instanceof JsonPatchError || error instanceof StrategicMergePatchError) {
    return new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${error.message}`,
    );
  }
  if (error instanceof QuantityError) return new ApiError(422, 'Invalid', error.message);
  return undefined;
}

export class ApiHandler {
  private readonly resources: ResourceHandler;
  private readonly tokenDigest: Buffer;

  constructor(private readonly options: ApiHandlerOptions) {
    this.tokenDigest = digest(options.token);
    this.resources = new ResourceHandler({
      storage: options.storage,
      store: options.store,
      watches: options.watches,
      clock: options.clock,
      maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
      podLogs: options.podLogs,
      send: (response, code, body) => this.send(response, code, body),
    });
  }

  /** Node `request` listener. */
  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    response.setHeader(EMULATOR_HEADER, 'true');
    this.dispatch(request, response).catch((error: unknown) => this.fail(response, error));
  };

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://emulator.invalid');
    const route = parseApiPath(url.pathname);
    if (route.kind === 'health') return this.health(response);
    if (!this.authenticated(request)) throw ApiError.unauthorized();
    if (route.kind === 'faults') return this.faultEndpoint(request, response);

    const resource = route.kind === 'resource' ? route : undefined;
    const blocked = this.options.faults.intercept({
      write: WRITE_METHODS.has(request.method ?? ''),
      target: { group: resource?.group ?? '', resource: resource?.resource ?? '', name: resource?.name },
    });
    if (blocked) throw blocked;

    if (route.kind === 'openapi-v2') return this.openApiV2(request, response);
    const format = negotiate(request.headers.accept);
    if (!format) throw ApiError.notAcceptable(request.headers.accept ?? '');
    if (route.kind === 'resource') return this.resource(route, url, format, request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw ApiError.methodNotAllowed(request.method ?? '');
    this.discovery(route, format, request, response);
  }

  private authenticated(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), this.tokenDigest);
  }

  private health(response: ServerResponse): void {
    const unavailable = this.options.faults.snapshot().unavailable;
    response.writeHead(unavailable ? 503 : 200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(unavailable ? 'unavailable (fault injected)' : 'ok');
  }

  private async resource(
    route: ResourceRequest,
    url: URL,
    format: ResponseFormat,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const type = this.options.catalog.find(route.group, route.version, route.resource);
    if (!type || (route.namespace !== undefined && !type.namespaced))
      throw ApiError.pathNotFound(url.pathname);
    const watchParam = url.searchParams.get('watch');
    await this.resources.handle({
      type,
      namespace: type.namespaced ? route.namespace : undefined,
      name: route.name,
      subresource: route.subresource,
      watch: route.watchPrefix || watchParam === 'true' || watchParam === '1',
      query: url.searchParams,
      format,
      request,
      response,
    });
  }

  private discovery(
    route: ApiRequest,
    format: ResponseFormat,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    const { catalog } = this.options;
    switch (route.kind) {
      case 'root':
        return this.send(response, 200, {
          paths: [
            '/api',
            '/api/v1',
            '/apis',
            '/apis/apps',
            '/apis/apps/v1',
            '/healthz',
            '/livez',
            '/openapi/v2',
            '/openapi/v3',
            '/readyz',
            '/version',
          ],
        });
      case 'version':
        return this.send(response, 200, versionInfo());
      case 'legacy-versions':
      case 'group-list': {
        const legacy = route.kind === 'legacy-versions';
        if (format.kind === 'discovery') {
          return this.send(
            response,
            200,
            aggregatedDiscovery(catalog, legacy, format.version),
            AGGREGATED_DISCOVERY_CONTENT_TYPE(format.version),
          );
        }
        return this.send(
          response,
          200,
          legacy ? apiVersions(this.options.serverAddress()) : apiGroupList(catalog),
        );
      }
      case 'group': {
        const group = apiGroup(catalog, route.group);
        if (!group) throw ApiError.pathNotFound(request.url ?? '');
        return this.send(response, 200, group);
      }
      case 'group-version': {
        const list = apiResourceList(catalog, route.group, route.version);
        if (!list) throw ApiError.pathNotFound(request.url ?? '');
        return this.send(response, 200, list);
      }
      case 'openapi-v3': {
        if (route.path === '') return this.send(response, 200, openApiV3Root(catalog));
        const groupVersion = parseOpenApiV3Path(route.path);
        const document = groupVersion && openApiV3Document(catalog, groupVersion.group, groupVersion.version);
        if (!document) throw ApiError.pathNotFound(request.url ?? '');
        return this.send(response, 200, document);
      }
      case 'health':
      case 'faults':
      case 'openapi-v2':
      case 'resource':
      case 'unknown':
        throw ApiError.pathNotFound(request.url ?? '');
    }
  }

  /** kubectl and helm ask for the protobuf form only. */
  private openApiV2(request: IncomingMessage, response: ServerResponse): void {
    if ((request.headers.accept ?? '').includes('protobuf')) {
      response.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF });
      response.end(openApiV2Protobuf());
      return;
    }
    this.send(response, 200, openApiV2Json());
  }

  private async faultEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const switches = this.options.faultSwitches;
    const answer = await faultEndpoint(request, switches, (fault) => {
      // Refusing or partitioning here closes this very connection: the answer goes out first.
      const later: FaultRequest = {
        ...(fault.refused ? { refused: true } : {}),
        ...(fault.partitioned ? { partitioned: true } : {}),
      };
      if (Object.keys(later).length === 0) return switches.apply(fault);
      response.once('finish', () => setImmediate(() => void switches.apply(later)));
      const now: FaultRequest = {
        ...fault,
        refused: fault.refused ? undefined : fault.refused,
        partitioned: fault.partitioned ? undefined : fault.partitioned,
      };
      return switches.apply(now).then((state) => ({ ...state, ...later }));
    });
    this.send(response, 200, answer);
  }

  private send(
    response: ServerResponse,
    code: number,
    body: unknown,
    contentType = 'application/json',
  ): void {
    const payload = toJson(body);
    response.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) });
    response.end(payload);
  }

  private fail(response: ServerResponse, error: unknown): void {
    let apiError = toApiError(error);
    if (!apiError) {
      this.options.onInternalError?.(error);
      apiError = ApiError.internal(error instanceof Error ? error.message : 'unexpected failure');
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (apiError.retryAfterSeconds !== undefined)
      response.setHeader('Retry-After', String(apiError.retryAfterSeconds));
    this.send(response, apiError.code, apiError.toStatus());
  }
}

/**
 * `GET` (state), `DELETE` (clear everything) and `POST` (a JSON fault request) on a fault endpoint;
 * shared by the API's `/emulator/faults` and the admin listener.
 */
export async function faultEndpoint(
  request: IncomingMessage,
  switches: FaultSwitches,
  apply: (fault: FaultRequest) => Promise<FaultResult> = (fault) => switches.apply(fault),
): Promise<FaultResult> {
  if (request.method === 'GET') return switches.state();
  if (request.method === 'DELETE') return apply({ clear: true });
  if (request.method !== 'POST') throw ApiError.methodNotAllowed(request.method ?? '');
  const parsed = faultRequestSchema.safeParse(
    // JSON whatever the Content-Type says, so a bare `curl -d '{...}'` works.
    decodeObjectBody(await readBody(request, 64 * 1024), 'application/json') ?? {},
  );
  if (!parsed.success)
    throw ApiError.badRequest(
      `invalid fault request: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  return apply(parsed.data);
}
