/**
 * Watch streams: chunked JSON lines of {type, object}, resumable from a resourceVersion, with an
 * ERROR event carrying 410 Expired when that version is no longer retained (as the real watch
 * cache answers).
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from '../model/api-error';
import type { JsonObject } from '../model/json';
import { apiVersionOf, resourceKey, type ResourceType } from '../model/resources';
import type { KubeObject } from '../model/types';
import { matchesFields, type FieldSelector } from '../selectors/field-selector';
import { matchesLabels, type LabelSelector } from '../selectors/label-selector';
import type { ObjectStore, StoreEvent } from '../store/object-store';
import { watchEventLine } from './serialize';

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  resourceVersion?: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** Turns each object into what the client negotiated (the object itself, or a one-row Table). */
  render: (object: KubeObject) => JsonObject;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** How often a watch that allows bookmarks is told the current resourceVersion. */
const BOOKMARK_INTERVAL_MS = 10_000;

/** Tracks open watch streams so they can all be dropped (fault injection, shutdown). */
export class WatchHub {
  private readonly streams = new Set<ServerResponse>();

  get size(): number {
    return this.streams.size;
  }

  /** Ends every open watch cleanly, as an API server restart would; clients re-watch. */
  dropAll(): number {
    const count = this.streams.size;
    for (const stream of [...this.streams]) stream.end();
    this.streams.clear();
    return count;
  }

  serve(store: ObjectStore, list: () => KubeObject[], request: WatchRequest, response: ServerResponse): void {
    const { type } = request;
    const key = resourceKey(type);
    const matches = (object: KubeObject | undefined): boolean =>
      object !== undefined &&
      (!request.namespace || object.metadata.namespace === request.namespace) &&
      matchesLabels(object.metadata.labels, request.labels) &&
      matchesFields(object, request.fields);
    // A write reconciled by the controllers usually brings several events at once: they leave in
    // one TLS record and one system call, at the end of the current tick.
    let corked = false;
    const send = (eventType: WatchType, object: JsonObject): void => {
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(() => {
          corked = false;
          response.uncork();
        });
      }
      response.write(watchEventLine(eventType, object));
    };
    const bookmark = (revision: number, initialEventsEnd: boolean): void => {
      send('BOOKMARK', {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: {
          resourceVersion: String(revision),
          ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
        },
      });
    };
    const forward = (event: StoreEvent): void => {
      if (event.resource !== key) return;
      const now = matches(event.object);
      const before = matches(event.previous);
      if (event.type === 'DELETED') {
        if (before) send('DELETED', request.render(event.object));
      } else if (now) {
        send(before || event.type === 'ADDED' ? event.type : 'ADDED', request.render(event.object));
      } else if (before) {
        // The object left the selection: the client must forget it.
        send('DELETED', request.render(event.object));
      }
    };

    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    response.flushHeaders();

    const requested = request.resourceVersion;
    const fromScratch =
      request.sendInitialEvents || requested === undefined || requested === '' || requested === '0';
    if (fromScratch) {
      for (const object of list()) if (matches(object)) send('ADDED', request.render(object));
      if (request.sendInitialEvents) bookmark(store.currentRevision, true);
    } else {
      const revision = Number(requested);
      const events = Number.isInteger(revision) ? store.eventsSince(revision) : undefined;
      if (!events) {
        const error = Number.isInteger(revision)
          ? ApiError.expired(`too old resource version: ${requested} (${store.oldestWatchableRevision})`)
          : ApiError.badRequest(`invalid resourceVersion "${requested}"`);
        send('ERROR', error.toStatus() as unknown as JsonObject);
        response.end();
        return;
      }
      for (const event of events) forward(event);
    }

    const unsubscribe = store.subscribe(forward, key);
    this.streams.add(response);
    const timer = request.timeoutSeconds
      ? setTimeout(() => response.end(), request.timeoutSeconds * 1000)
      : undefined;
    timer?.unref();
    const bookmarks = request.allowBookmarks
      ? setInterval(() => bookmark(store.currentRevision, false), BOOKMARK_INTERVAL_MS)
      : undefined;
    bookmarks?.unref();
    const cleanup = (): void => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      if (bookmarks) clearInterval(bookmarks);
      this.streams.delete(response);
    };
    response.on('close', cleanup);
    response.on('finish', cleanup);
  }
}
