import { describe, expect, it } from 'vitest';
import { handlerFor, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const SITE = 'https://www.example.com';
const API = 'https://api.example.com';

const fake = useFakeSessionsApi();

function preflight(origin: string, requestHeaders = 'content-type,x-csrf-token'): Request {
  return new Request(`${API}/api/chatkit/start`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': requestHeaders },
  });
}

describe('allowed origins and CORS', () => {
  it('answers a preflight from a listed origin with 204 and CORS headers', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: [SITE] });
    const response = await handler(preflight(SITE));
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toEqual({
      'access-control-allow-origin': SITE,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type,x-csrf-token',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    });
    expect(await response.text()).toBe('');
  });

  it('answers a preflight from an unlisted origin with 403', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: [SITE] });
    const response = await handler(preflight('https://evil.example'));
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a listed origin read the answer and send cookies', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: [SITE] });
    const response = await handler(sessionRequest('/api/chatkit/start', {}, { base: API, headers: { Origin: SITE } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.getSetCookie()).toHaveLength(1);
  });

  it('adds CORS headers to refusals for a listed origin, so the page can read the message', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: [SITE] });
    const response = await handler(sessionRequest('/api/chatkit/refresh', {}, { base: API, headers: { Origin: SITE } }));
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('accepts a listed origin written with a trailing slash or in upper case', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: ['HTTPS://WWW.EXAMPLE.COM/'] });
    const response = await handler(sessionRequest('/api/chatkit/start', {}, { base: API, headers: { Origin: SITE } }));
    expect(response.status).toBe(200);
  });

  it('treats a different port or scheme as another origin', async () => {
    const { handler } = handlerFor(fake, { allowedOrigins: [SITE] });
    for (const origin of ['https://www.example.com:8443', 'http://www.example.com']) {
      const response = await handler(sessionRequest('/api/chatkit/start', {}, { base: API, headers: { Origin: origin } }));
      expect(response.status).toBe(403);
    }
  });

  it('serves same-origin requests and requests without Origin without CORS headers', async () => {
    const { handler } = handlerFor(fake);
    for (const headers of [{ Origin: API }, {}] as Record<string, string>[]) {
      const response = await handler(sessionRequest('/api/chatkit/start', {}, { base: API, headers }));
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('refuses a TLS-terminating proxy\'s request as cross-origin unless trustProxy is set', async () => {
    const headers = { Origin: SITE, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'www.example.com' };
    const internal = 'http://10.0.0.7:3000';
    const untrusting = handlerFor(fake).handler;
    expect((await untrusting(sessionRequest('/api/chatkit/start', {}, { base: internal, headers }))).status).toBe(403);

    const trusting = handlerFor(fake, { trustProxy: true }).handler;
    const response = await trusting(sessionRequest('/api/chatkit/start', {}, { base: internal, headers }));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });
});
