/**
 * `GET …/pods/NAME/log` (what `kubectl logs`, `-f` and `--tail` ask for): the container's output from the
 * file a runtime behind the emulator writes it to (see PodLogSource), as text/plain, followed as it grows.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { ApiError } from '../model/api-error';
import { asArray, getPath, isObject } from '../model/json';
import type { KubeObject } from '../model/types';

/** Where the output of a pod's containers is, when something really runs them. */
export interface PodLogSource {
  /** The file holding the container's stdout and stderr, or undefined when nothing runs it. */
  logFile(pod: KubeObject, container: string): string | undefined;
  /** Whether the container's process still runs: a follow ends once it has exited and its output is sent. */
  running(pod: KubeObject, container: string): boolean;
}

export interface LogRequest {
  container: string;
  follow: boolean;
  /** Start this many lines before the end; undefined: from the beginning. */
  tailLines?: number;
  /** Stop after this many bytes. */
  limitBytes?: number;
}

/** How often a followed log is checked for new output. */
const FOLLOW_POLL_MS = 200;
const CHUNK_BYTES = 64 * 1024;

function optionalCount(query: URLSearchParams, name: string, min: number): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value) || Number(value) < min)
    throw ApiError.badRequest(`${name} must be an integer of at least ${min}, got "${value}"`);
  return Number(value);
}

function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value === 'true' || value === '1';
}

/** Validates the query against the pod, with the API server's messages where it has them. */
export function parseLogRequest(pod: KubeObject, query: URLSearchParams): LogRequest {
  const name = pod.metadata.name ?? '';
  const containers = asArray(getPath(pod, ['spec', 'containers']))
    .map((container) => (isObject(container) && typeof container.name === 'string' ? container.name : ''))
    .filter((container) => container !== '');
  let container = query.get('container') ?? '';
  if (container === '') {
    if (containers.length !== 1)
      throw ApiError.badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
      );
    container = containers[0] ?? '';
  } else if (!containers.includes(container)) {
    throw ApiError.badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (flag(query, 'previous'))
    throw ApiError.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  for (const unsupported of ['timestamps', 'sinceSeconds', 'sinceTime'])
    if (query.has(unsupported) && query.get(unsupported) !== 'false')
      throw ApiError.badRequest(
        `${unsupported} is not supported by the Polis kube-emulator: it keeps container output without times`,
      );
  return {
    container,
    follow: flag(query, 'follow'),
    tailLines: optionalCount(query, 'tailLines', 0),
    limitBytes: optionalCount(query, 'limitBytes', 1),
  };
}

/**
 * Byte offset where the last `lines` lines of a file of `size` bytes start, reading it backwards with `read`.
 * A final line without a newline counts as a line, as the kubelet counts it.
 */
export async function tailOffset(
  read: (position: number, length: number) => Promise<Buffer>,
  size: number,
  lines: number,
): Promise<number> {
  if (lines <= 0) return size;
  let found = 0;
  let position = size;
  while (position > 0) {
    const length = Math.min(CHUNK_BYTES, position);
    position -= length;
    const chunk = await read(position, length);
    for (let index = chunk.length - 1; index >= 0; index -= 1) {
      if (chunk[index] !== 0x0a || position + index === size - 1) continue;
      found += 1;
      if (found === lines) return position + index + 1;
    }
  }
  return 0;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Writes the log to the response: the tail or everything, then, when following, new output as it arrives
 * until `alive()` says the container has exited (or its pod is gone), the byte limit is reached or the
 * client leaves.
 */
export async function streamLog(
  file: string,
  request: LogRequest,
  response: ServerResponse,
  alive: () => boolean,
): Promise<void> {
  const handle = await open(file, 'r');
  let closed = false;
  response.once('close', () => (closed = true));
  try {
    const size = (await handle.stat()).size;
    let offset =
      request.tailLines === undefined
        ? 0
        : await tailOffset((position, length) => readAt(handle, position, length), size, request.tailLines);
    let budget = request.limitBytes ?? Number.POSITIVE_INFINITY;
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    response.flushHeaders();
    const sendUpTo = async (end: number): Promise<void> => {
      while (offset < end && budget > 0 && !closed) {
        const chunk = await readAt(handle, offset, Math.min(CHUNK_BYTES, end - offset, budget));
        if (chunk.length === 0) return;
        offset += chunk.length;
        budget -= chunk.length;
        response.write(chunk);
      }
    };
    await sendUpTo(size);
    while (request.follow && budget > 0 && !closed) {
      const running = alive();
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      // The runtime only appends to the file.
      await sendUpTo((await handle.stat()).size);
      // Checked before the last read: what the container wrote before it exited has been sent.
      if (!running) break;
    }
  } finally {
    await handle.close();
    if (!closed) response.end();
  }
}
