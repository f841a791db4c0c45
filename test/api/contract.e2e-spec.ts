/**
 * The API keeps its contract on real answers: bodies conform to the OpenAPI document, and a revisioned
 * resource's ETag is its revision, which If-Match takes back (deployments, sites, sensor kinds).
 */
import { conformanceProblems } from '../support/openapi';
import { DeploymentHarness } from '../deployments/support';

const MODEL = 'congestion-classifier';

interface Answer {
  status: number;
  etag: string | null;
  json: any;
}

describe('the API contract', () => {
  let h: DeploymentHarness;

  async function call(method: string, path: string, body?: unknown, ifMatch?: string): Promise<Answer> {
    const response = await fetch(`${h.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get('etag'),
      json: text ? JSON.parse(text) : undefined,
    };
  }

  /** Calls, then checks the body against what the document says this operation answers with this status. */
  async function conforming(
    method: string,
    path: string,
    template: string,
    body?: unknown,
    ifMatch?: string,
  ) {
    const answer = await call(method, path, body, ifMatch);
    expect({
      [`${method} ${path} ${answer.status}`]: conformanceProblems(
        method,
        template,
        answer.status,
        answer.json,
      ),
    }).toEqual({
      [`${method} ${path} ${answer.status}`]: [],
    });
    return answer;
  }

  beforeAll(async () => {
    h = await DeploymentHarness.start('contract');
    await h.addSite({ id: 'traffic-a', kind: 'traffic' });
    await h.publishModel(MODEL);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('gives a deployment the ETag "<revision>" on POST, GET and PUT, and If-Match takes it back', async () => {
    const spec = { id: 'etag', model: { name: MODEL, version: '1.0.0' }, targets: { kinds: ['traffic'] } };
    const created = await conforming('POST', '/deployments', '/api/v1/deployments', spec);
    expect(created.status).toBe(201);
    expect(created.etag).toBe(`"${created.json.revision}"`);

    const read = await conforming('GET', '/deployments/etag', '/api/v1/deployments/{id}');
    expect(read.etag).toBe(`"${read.json.revision}"`);

    const replaced = await conforming(
      'PUT',
      '/deployments/etag',
      '/api/v1/deployments/{id}',
      { ...spec, replicasPerSite: 2 },
      read.etag!,
    );
    expect(replaced.status).toBe(200);
    expect(replaced.json.revision).toBeGreaterThan(read.json.revision);
    expect(replaced.etag).toBe(`"${replaced.json.revision}"`);

    const stale = await conforming('PUT', '/deployments/etag', '/api/v1/deployments/{id}', spec, read.etag!);
    expect(stale.status).toBe(409);
    expect(stale.json.error).toBe('conflict');
  });

  it('gives a site and a sensor kind the ETag of their revision, which If-Match takes back', async () => {
    const site = await conforming('GET', '/sites/traffic-a', '/api/v1/sites/{id}');
    expect(site.etag).toBe(`"${site.json.revision}"`);
    const patched = await conforming(
      'PATCH',
      '/sites/traffic-a',
      '/api/v1/sites/{id}',
      { name: 'Corso Francia' },
      site.etag!,
    );
    expect(patched.status).toBe(200);
    expect(patched.etag).toBe(`"${patched.json.revision}"`);

    const kind = await conforming('GET', '/sensor-kinds/air-quality', '/api/v1/sensor-kinds/{name}');
    expect(kind.etag).toBe(`"${kind.json.revision}"`);
    const updated = await conforming(
      'PUT',
      '/sensor-kinds/air-quality',
      '/api/v1/sensor-kinds/{name}',
      { ...kind.json.kind, description: 'Roadside station' },
      kind.etag!,
    );
    expect(updated.status).toBe(200);
    expect(updated.etag).toBe(`"${updated.json.revision}"`);
  });

  it('answers every listing, status and record as the document describes', async () => {
    await conforming('GET', '/deployments', '/api/v1/deployments');
    await conforming('GET', '/deployments/etag/status', '/api/v1/deployments/{id}/status');
    await conforming('GET', '/sites', '/api/v1/sites');
    await conforming('GET', '/sensor-kinds', '/api/v1/sensor-kinds');
    await conforming('GET', '/models', '/api/v1/models');
    await conforming('GET', `/models/${MODEL}`, '/api/v1/models/{name}');
    await conforming('GET', `/models/${MODEL}/versions/1.0.0`, '/api/v1/models/{name}/versions/{version}');
    await conforming('GET', '/telemetry/stats', '/api/v1/telemetry/stats');
    await conforming('GET', '/telemetry/dead-letters', '/api/v1/telemetry/dead-letters');
    await conforming('GET', '/telemetry/sites', '/api/v1/telemetry/sites');
    await conforming('GET', '/telemetry/sensors', '/api/v1/telemetry/sensors');
    const from = new Date(Date.now() - 60_000).toISOString();
    await conforming(
      'GET',
      `/telemetry/series?kind=traffic-loop&site=traffic-a&from=${from}&to=${new Date().toISOString()}`,
      '/api/v1/telemetry/series',
    );
  });

  it('answers errors in the one documented shape', async () => {
    const missing = await conforming('GET', '/deployments/nothing-here', '/api/v1/deployments/{id}');
    expect(missing.status).toBe(404);
    const bad = await conforming('POST', '/deployments', '/api/v1/deployments', { id: 'Bad--Id' });
    expect(bad.status).toBe(400);
    expect(bad.json.details.problems.length).toBeGreaterThan(1);
    const badQuery = await conforming('GET', '/telemetry/series?kind=x', '/api/v1/telemetry/series');
    expect(badQuery.status).toBe(400);

    // Model uploads refuse in the same shape: a metadata header that is not JSON, bytes that are not ONNX.
    const upload = async (metadata: string) => {
      const response = await fetch(`${h.url}/api/v1/models/not-a-model/versions/1.0.0`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'x-polis-model-metadata': metadata },
        body: Buffer.from('definitely not protobuf'),
        signal: AbortSignal.timeout(30_000),
      });
      const json = await response.json();
      const template = '/api/v1/models/{name}/versions/{version}';
      expect(conformanceProblems('PUT', template, response.status, json)).toEqual([]);
      return { status: response.status, json: json as { error: string } };
    };
    expect((await upload('{not json')).status).toBe(400);
    const metadata = Buffer.from(JSON.stringify(h.models[0].metadata)).toString('base64url');
    const notOnnx = await upload(metadata);
    expect(notOnnx.status).toBe(422);
    expect(notOnnx.json.error).toBe('not-onnx');
  });
});
