import connect from 'connect';
import express from 'express';
import { createServer } from 'node:http';
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toNodeListener, type SessionHandler } from '../../src/server/index.js';
import { listen } from '../fixtures/listen.js';
import { cookiePair, handlerFor, lastUser, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();
let server: { url: string; close: () => Promise<void> } | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A raw HTTP/1.1 request with a chunked body of `size` bytes and no Content-Length. */
function postChunked(path: string, size: number): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server!.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body, connection: response.headers.connection }));
    });
    request.on('error', reject);
    const chunk = 'x'.repeat(1024);
    for (let sent = 0; sent < size; sent += chunk.length) request.write(chunk);
    request.end();
  });
}

describe('node:http', () => {
  let handler: SessionHandler;
  beforeEach(async () => {
    handler = handlerFor(fake, { rateLimit: { perIp: { limit: 3, windowMs: 60_000 } } }).handler;
    server = await listen(createServer(toNodeListener(handler)));
  });

  it('serves start and refresh, with the cookie set by start reused by refresh', async () => {
    const start = await post('/api/chatkit/start');
    expect(start.status).toBe(200);
    expect(start.headers.get('cache-control')).toBe('no-store');
    const { client_secret } = (await start.json()) as { client_secret: string };
    const user = lastUser(fake);

    const refresh = await post('/api/chatkit/refresh', { currentClientSecret: client_secret }, { Cookie: cookiePair(start) });
    expect(refresh.status).toBe(200);
    expect(lastUser(fake)).toBe(user);
  });

  it('answers other paths with the handler\'s 404', async () => {
    const response = await fetch(`${server!.url}/elsewhere?x=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'No ChatKit session route at /elsewhere: POST to /api/chatkit/start or /api/chatkit/refresh' });
  });

  it('refuses a chunked body over 16 KB with 413 and closes the connection', async () => {
    const response = await postChunked('/api/chatkit/start', 200 * 1024);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({
      error: 'The request body is larger than 16384 bytes (maxBodyBytes): a session request needs only a small JSON object',
    });
    expect(response.connection).toBe('close');
  });

  it('passes the socket address as the client address for rateLimit.perIp', async () => {
    for (let i = 0; i < 3; i += 1) expect((await post('/api/chatkit/start')).status).toBe(200);
    const refused = await post('/api/chatkit/start');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
  });
});

describe('toNodeListener with any Web handler', () => {
  it('writes every Set-Cookie header and the status, and aborts request.signal when the client goes away', async () => {
    let aborted: Promise<boolean> | undefined;
    const web = Object.assign(
      async (request: Request) => {
        if (new URL(request.url).pathname === '/slow') {
          aborted = new Promise((resolve) => request.signal.addEventListener('abort', () => resolve(true)));
          await aborted;
        }
        const headers = new Headers([
          ['Set-Cookie', 'a=1; Path=/'],
          ['Set-Cookie', 'b=2; Path=/'],
          ['X-Seen-Url', request.url],
        ]);
        return new Response('made', { status: 201, headers });
      },
      { paths: ['/x', '/slow'] },
    );
    server = await listen(createServer(toNodeListener(web)));

    const response = await fetch(`${server.url}/x?q=1`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(response.headers.get('x-seen-url')).toBe(`${server.url}/x?q=1`);
    expect(await response.text()).toBe('made');

    const client = new AbortController();
    const slow = fetch(`${server.url}/slow`, { method: 'POST', signal: client.signal }).catch(() => 'aborted');
    await expect.poll(() => aborted !== undefined).toBe(true);
    client.abort();
    expect(await slow).toBe('aborted');
    expect(await aborted).toBe(true);
  });
});

describe('Express 5', () => {
  it('serves the routes after express.json(), using the already-parsed body', async () => {
    const app = express();
    app.use(express.json());
    app.use(toNodeListener(handlerFor(fake).handler));
    server = await listen(createServer(app));

    const refresh = await post('/api/chatkit/refresh', { currentClientSecret: 'ek_old' });
    expect(refresh.status).toBe(200);
    const missing = await post('/api/chatkit/refresh', { other: 1 });
    expect(missing.status).toBe(400);
  });

  it('passes other paths on to the next route', async () => {
    const app = express();
    app.use(toNodeListener(handlerFor(fake).handler));
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    server = await listen(createServer(app));

    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ ok: true });
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
    expect((await post('/api/chatkit/start')).status).toBe(200);
  });

  it('works mounted under a prefix, matching the full path', async () => {
    const app = express();
    app.use('/api/chatkit', toNodeListener(handlerFor(fake).handler));
    server = await listen(createServer(app));
    expect((await post('/api/chatkit/start')).status).toBe(200);
  });

  it('answers refusals itself (405 with Allow) rather than passing them on', async () => {
    const app = express();
    app.use(toNodeListener(handlerFor(fake).handler));
    server = await listen(createServer(app));
    const response = await fetch(`${server.url}/api/chatkit/start`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('Connect', () => {
  it('serves the routes and passes other paths to next()', async () => {
    const app = connect();
    app.use(toNodeListener(handlerFor(fake).handler));
    app.use((_req: unknown, res: import('node:http').ServerResponse) => {
      res.statusCode = 418;
      res.end('next');
    });
    server = await listen(createServer(app));

    const start = await post('/api/chatkit/start');
    expect(start.status).toBe(200);
    expect(start.headers.getSetCookie()).toHaveLength(1);
    const other = await fetch(`${server.url}/other`);
    expect(other.status).toBe(418);
    expect(await other.text()).toBe('next');
  });
});
