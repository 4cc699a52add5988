import { describe, expect, it, vi } from 'vitest';
import { createSessionHandler } from '../../src/server/index.js';
import { captureLogger, handlerFor, sessionRequest, TEST_COOKIE_SECRET, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();

/** Status, headers and body of a refusal, checked for the JSON + no-store shape every refusal shares. */
async function refusal(response: Response): Promise<{ status: number; error: string }> {
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as { error: string };
  expect(Object.keys(body)).toEqual(['error']);
  return { status: response.status, error: body.error };
}

/** A body that arrives in chunks with no Content-Length, so only counting while reading can catch its size. */
function streamedRequest(size: number, maxChunk = 1024): Request {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = Math.min(maxChunk, size - sent);
      controller.enqueue(new TextEncoder().encode(sent === 0 ? '"'.padEnd(chunk, 'x') : 'x'.repeat(chunk)));
      sent += chunk;
    },
  });
  return new Request('http://localhost/api/chatkit/start', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('refusals', () => {
  it('answers 404 for a path it does not serve, naming the routes', async () => {
    const { handler } = handlerFor(fake);
    expect(await refusal(await handler(sessionRequest('/api/chatkit/other')))).toEqual({
      status: 404,
      error: 'No ChatKit session route at /api/chatkit/other: POST to /api/chatkit/start or /api/chatkit/refresh',
    });
  });

  it.each(['GET', 'PUT', 'DELETE', 'OPTIONS'])('answers %s with 405 and Allow: POST', async (method) => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start', undefined, { method }));
    expect(response.headers.get('allow')).toBe('POST');
    expect(await refusal(response)).toEqual({ status: 405, error: `${method} is not allowed on /api/chatkit/start: use POST` });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('answers Content-Type %s with 415', async (type) => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start', '{}', { headers: { 'Content-Type': type } }));
    expect(await refusal(response)).toEqual({
      status: 415,
      error: `Content-Type ${type} is not accepted: send the body as JSON with Content-Type: application/json`,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts application/json with a charset and +json types', async () => {
    const { handler } = handlerFor(fake);
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const response = await handler(sessionRequest('/api/chatkit/start', '{}', { headers: { 'Content-Type': type } }));
      expect(response.status).toBe(200);
    }
  });

  it('answers a body without Content-Type with 415', async () => {
    const { handler } = handlerFor(fake);
    const request = new Request('http://localhost/api/chatkit/start', { method: 'POST', body: new Blob(['{}']) });
    expect(await refusal(await handler(request))).toEqual({
      status: 415,
      error: 'The request has a body but no Content-Type: send it as JSON with Content-Type: application/json',
    });
  });

  const tooLarge = { status: 413, error: 'The request body is larger than 16384 bytes (maxBodyBytes): a session request needs only a small JSON object' };

  it('answers a body over 16 KB with 413 from its Content-Length', async () => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start', { pad: 'x'.repeat(16_384) }));
    expect(await refusal(response)).toEqual(tooLarge);
  });

  it('answers a streamed body over 16 KB without Content-Length with 413, while reading it', async () => {
    const { handler } = handlerFor(fake);
    expect(await refusal(await handler(streamedRequest(16_385)))).toEqual(tooLarge);
    // 16 384 bytes is allowed (and then fails as JSON, proving it was read to the end)
    expect((await handler(streamedRequest(16_384))).status).toBe(400);
  });

  it('stops reading an endless body once past the limit', async () => {
    const { handler } = handlerFor(fake);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const request = new Request('http://localhost/api/chatkit/start', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect((await handler(request)).status).toBe(413);
    expect(pulled).toBeLessThan(40);
  });

  it('honours maxBodyBytes', async () => {
    const { handler } = handlerFor(fake, { maxBodyBytes: 64 });
    const response = await handler(sessionRequest('/api/chatkit/start', { pad: 'x'.repeat(64) }));
    expect((await refusal(response)).status).toBe(413);
  });

  it.each([
    ['malformed JSON', '{"currentClientSecret": ', 'The request body is not valid JSON: send a JSON object such as {} or {"currentClientSecret": "…"}'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'The request body is not valid JSON: send a JSON object such as {} or {"currentClientSecret": "…"}'],
    ['a JSON array', '[]', 'The request body must be a JSON object such as {} or {"currentClientSecret": "…"}'],
    ['a JSON string', '"hi"', 'The request body must be a JSON object such as {} or {"currentClientSecret": "…"}'],
  ])('answers %s with 400', async (_, body, error) => {
    const { handler } = handlerFor(fake);
    const request = new Request('http://localhost/api/chatkit/start', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(await refusal(await handler(request))).toEqual({ status: 400, error });
  });

  it('answers a cross-origin request from an unlisted origin with 403 naming allowedOrigins', async () => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start', {}, { headers: { Origin: 'https://evil.example' } }));
    expect(await refusal(response)).toEqual({
      status: 403,
      error:
        'Origin https://evil.example may not request ChatKit sessions from http://localhost: add it to allowedOrigins, or set trustProxy if a proxy in front of this server changes the scheme or host',
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 500 naming OPENAI_API_KEY when no key is configured, without calling OpenAI', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', fake.url);
    const handler = createSessionHandler({ workflowId: 'wf_x', cookieSecret: TEST_COOKIE_SECRET, logger: captureLogger() });
    expect(await refusal(await handler(sessionRequest('/api/chatkit/start')))).toEqual({
      status: 500,
      error: 'The OpenAI API key is missing: set OPENAI_API_KEY in the server environment or pass apiKey to createSessionHandler',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 500 naming CHATKIT_WORKFLOW_ID when no workflow is configured', async () => {
    vi.stubEnv('CHATKIT_WORKFLOW_ID', '');
    const { handler } = handlerFor(fake, { workflowId: undefined });
    expect(await refusal(await handler(sessionRequest('/api/chatkit/start')))).toEqual({
      status: 500,
      error: 'No ChatKit workflow is configured: set CHATKIT_WORKFLOW_ID in the server environment or pass workflowId to createSessionHandler',
    });
  });

  it('answers anything unexpected with a 500 that hides internals, and logs it', async () => {
    const { handler, logger } = handlerFor(fake, {
      userId: () => {
        throw new Error('database password is hunter2');
      },
    });
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(await refusal(response)).toEqual({ status: 500, error: 'Internal error while creating a ChatKit session; the server log has details' });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^error managed-chatkit: unexpected error while creating a ChatKit session: Error: database password is hunter2/);
  });
});
