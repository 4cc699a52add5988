import { createServer, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../src/server/index.js';
import { listen } from '../fixtures/listen.js';
import { tricklingRequest } from '../fixtures/trickling-request.js';
import { handlerFor, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();
let server: { url: string; close: () => Promise<void> } | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface RawAnswer {
  status: number;
  body: string;
  ms: number;
}

/**
 * A raw HTTP/1.1 POST with the exact request target `target`; the body is sent in one go, or one byte every
 * `trickleMs` ms (never ending) when given.
 */
function rawPost(target: string, headers: Record<string, string>, body = '{}', trickleMs?: number): Promise<RawAnswer> {
  const started = performance.now();
  const { port, hostname } = new URL(server!.url);
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const request = httpRequest({ host: hostname, port, method: 'POST', path: target, headers: { 'Content-Type': 'application/json', ...headers } }, (response) => {
      clearInterval(timer);
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text, ms: performance.now() - started }));
    });
    request.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    if (trickleMs === undefined) {
      request.end(body);
      return;
    }
    request.flushHeaders();
    timer = setInterval(() => request.write(' '), trickleMs);
  });
}

describe('own origin from the Host header, not the request target (issue 14, point 4)', () => {
  it('a //evil.example/… request target does not make Origin: http://evil.example look same-origin', async () => {
    server = await listen(createServer(toNodeListener(handlerFor(fake).handler)));
    const answer = await rawPost('//evil.example/api/chatkit/start', { Origin: 'http://evil.example' });
    expect(answer.status).not.toBe(200);
    expect(fake.requests).toHaveLength(0);
  });

  it('an absolute-form target (http://evil.example/…) contributes only its path; a malformed Host is refused', async () => {
    server = await listen(createServer(toNodeListener(handlerFor(fake).handler)));
    const absolute = await rawPost('http://evil.example/api/chatkit/start', { Origin: 'http://evil.example' });
    expect(absolute.status).toBe(403);
    expect(absolute.body).toContain('Origin http://evil.example may not request ChatKit sessions from http://127.0.0.1:');
    const badHost = await rawPost('/api/chatkit/start', { Host: 'evil.example/x@y' });
    expect(badHost.status).toBe(400);
    expect(fake.requests).toHaveLength(0);
  });

  it('the handler compares Origin with the Host header, whatever the request URL says', async () => {
    const { handler } = handlerFor(fake);
    const request = sessionRequest('/api/chatkit/start', {}, { base: 'http://evil.example', headers: { Host: 'chat.example.com', Origin: 'http://evil.example' } });
    expect((await handler(request)).status).toBe(403);
    const same = sessionRequest('/api/chatkit/start', {}, { base: 'http://evil.example', headers: { Host: 'chat.example.com', Origin: 'http://chat.example.com' } });
    expect((await handler(same)).status).toBe(200);
  });
});

describe('Fetch Metadata (issue 14, point 4)', () => {
  const start = (headers: Record<string, string>) => sessionRequest('/api/chatkit/start', {}, { headers });

  it('refuses Sec-Fetch-Site: cross-site even when Origin is missing', async () => {
    const { handler } = handlerFor(fake);
    const response = await handler(start({ 'Sec-Fetch-Site': 'cross-site' }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/cross-site.*allowedOrigins/);
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts same-origin, same-site and none, and cross-site from a listed origin', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: ['https://www.example.com'] });
    for (const site of ['same-origin', 'same-site', 'none']) expect((await handler(start({ 'Sec-Fetch-Site': site }))).status).toBe(200);
    expect((await handler(start({ 'Sec-Fetch-Site': 'cross-site', Origin: 'https://www.example.com' }))).status).toBe(200);
    expect((await handler(start({ 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }))).status).toBe(403);
  });
});

describe('request-body deadline (issue 14, point 4)', () => {
  it('the handler answers 408 when the body trickles in past bodyTimeout', async () => {
    const { handler } = handlerFor(fake, { bodyTimeout: 300 });
    const { request, stop } = tricklingRequest('http://localhost/api/chatkit/start');
    const started = performance.now();
    const response = await Promise.race([handler(request), new Promise<Response>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000))]);
    stop();
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: string }).error).toMatch(/bodyTimeout/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('toNodeListener cuts a slowloris body with 408 after its bodyTimeout, even when the handler would wait longer', async () => {
    const { handler } = handlerFor(fake, { bodyTimeout: 60_000 });
    server = await listen(createServer(toNodeListener(handler, { bodyTimeout: 300 })));
    const answer = await Promise.race([
      rawPost('/api/chatkit/start', { 'Transfer-Encoding': 'chunked' }, '', 100),
      new Promise<RawAnswer>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000)),
    ]);
    expect(answer.status).toBe(408);
    expect(answer.ms).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('request-body deadline for any handler behind toNodeListener', () => {
  it('answers 408 itself when the handler neither reads the body nor answers', async () => {
    const stalling = Object.assign(
      (request: Request) =>
        new Promise<Response>((resolve) => {
          const timer = setTimeout(() => resolve(new Response('late')), 5_000);
          request.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve(new Response('gone'));
          });
        }),
      { paths: ['/api/chatkit'] },
    );
    server = await listen(createServer(toNodeListener(stalling, { bodyTimeout: 200 })));
    const answer = await rawPost('/api/chatkit', { 'Transfer-Encoding': 'chunked' }, '', 100);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({ error: 'The request body did not arrive within 200 ms (bodyTimeout): send the whole body at once' });
    expect(answer.ms).toBeLessThan(2_500);
  });

  it('rejects an invalid bodyTimeout when the listener is created', () => {
    expect(() => toNodeListener(handlerFor(fake).handler, { bodyTimeout: 0 })).toThrow(/bodyTimeout must be an integer from 1 up, got 0/);
  });
});

describe('Retry-After from OpenAI (issue 14, point 4)', () => {
  it('is capped at 60 seconds', async () => {
    fake.setFault({ type: 'error', status: 429, headers: { 'retry-after': '86400' } });
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('60');
  });
});
