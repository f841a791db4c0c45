/**
 * JSON serialisation of response bodies and watch events. A stored object is usually serialised
 * twice right after a write (the watch event, the write's response) and once more per further
 * watch: stored objects are frozen, so their JSON is remembered for the most recent ones.
 */

/** Enough for the objects of one burst of writes; older ones are serialised again if needed. */
const REMEMBERED = 512;
const recent = new Map<object, string>();

export function toJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return JSON.stringify(value);
  let json = recent.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    recent.set(value, json);
    if (recent.size > REMEMBERED) recent.delete(recent.keys().next().value as object);
  }
  return json;
}

/** One watch event line: `{"type":…,"object":…}` and a newline. */
export function watchEventLine(type: string, object: unknown): string {
  return `{"type":${JSON.stringify(type)},"object":${toJson(object)}}\n`;
}
