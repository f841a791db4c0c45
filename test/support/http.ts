/** A JSON call to the control plane's API, for tests. */
export interface ApiReply {
  status: number;
  text: string;
  json: any;
}

/** A request that does not answer in time fails with its method and path, instead of hanging the test. */
const REQUEST_TIMEOUT_MS = 15_000;

export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiReply> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`${method} ${path}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}
