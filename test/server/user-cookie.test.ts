import { describe, expect, it, vi } from 'vitest';
import { cookiePair, handlerFor, lastUser, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const COOKIE = /^chatkit_user=([0-9a-f-]{36})\.(\d+\.[\w-]{43}); Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/;

const fake = useFakeSessionsApi();

describe('user-id cookie', () => {
  it('is created on the first start: HttpOnly, SameSite=Lax, Path=/, one year, no Secure on http', async () => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [, id] = COOKIE.exec(cookies[0]!) ?? [];
    expect(id).toBe(lastUser(fake));
  });

  it.each([
    ['an https request URL', 'https://chat.example.com', {}],
    ['X-Forwarded-Proto: https', 'http://chat.example.com', { 'X-Forwarded-Proto': 'https' }],
  ])('is Secure behind %s', async (_, base, headers) => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start', {}, { base, headers }));
    expect(response.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('is reused on later starts and refreshes, so the user keeps their threads', async () => {
    const { handler } = handlerFor(fake);
    const first = await handler(sessionRequest('/api/chatkit/start'));
    const cookie = cookiePair(first);
    await handler(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: `theme=dark; ${cookie}` } }));
    await handler(sessionRequest('/api/chatkit/refresh', { currentClientSecret: 'ek_old' }, { headers: { Cookie: cookie } }));
    const users = fake.requests.map((request) => (request.body as { user: string }).user);
    expect(new Set(users).size).toBe(1);
  });

  it.each([
    ['another id with the old signature', (id: string, mac: string) => `${id.replace(/^./, id[0] === 'a' ? 'b' : 'a')}.${mac}`],
    ['a changed signature', (id: string, mac: string) => `${id}.${mac.replace(/\.(.)/, (_, first: string) => `.${first === 'A' ? 'B' : 'A'}`)}`],
    ['a changed issue time (to outlive the maximum age)', (id: string, mac: string) => `${id}.${Number(mac.split('.')[0]) + 86_400}.${mac.split('.')[1]}`],
    ['the signature without the issue time (the 0.1.0 format)', (id: string, mac: string) => `${id}.${mac.split('.')[1]}`],
    ['no signature', (id: string) => id],
    ['garbage', () => 'not-a-cookie'],
  ])('ignores a tampered cookie (%s) and issues a fresh id', async (_, tamper) => {
    const { handler } = handlerFor(fake);
    const first = await handler(sessionRequest('/api/chatkit/start'));
    const [, id, mac] = COOKIE.exec(first.headers.getSetCookie()[0]!)!;
    const original = lastUser(fake);

    const second = await handler(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: `chatkit_user=${tamper(id!, mac!)}` } }));
    expect(second.status).toBe(200);
    const fresh = lastUser(fake);
    expect(fresh).not.toBe(original);
    expect(COOKIE.exec(second.headers.getSetCookie()[0]!)?.[1]).toBe(fresh);
  });

  it('does not accept a cookie signed with another secret, but accepts one signed with a rotated-out secret still listed', async () => {
    const oldSecret = 'old-cookie-secret-aaaaaaaaaaaaaaaaaaaaaaaa';
    const newSecret = 'new-cookie-secret-bbbbbbbbbbbbbbbbbbbbbbbb';
    const before = handlerFor(fake, { cookieSecret: oldSecret }).handler;
    const cookie = cookiePair(await before(sessionRequest('/api/chatkit/start')));
    const user = lastUser(fake);

    await handlerFor(fake, { cookieSecret: newSecret }).handler(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: cookie } }));
    expect(lastUser(fake)).not.toBe(user);

    const rotated = handlerFor(fake, { cookieSecret: [newSecret, oldSecret] }).handler;
    const response = await rotated(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: cookie } }));
    expect(lastUser(fake)).toBe(user);
    expect(cookiePair(response)).not.toBe(cookie); // re-signed with the new secret
  });

  it('uses cookieName', async () => {
    const { handler } = handlerFor(fake, { cookieName: '__Host-chat' });
    const response = await handler(sessionRequest('/api/chatkit/start', {}, { base: 'https://chat.example.com' }));
    expect(cookiePair(response)).toMatch(/^__Host-chat=/);
  });

  it('reads CHATKIT_COOKIE_SECRET when cookieSecret is not given', async () => {
    vi.stubEnv('CHATKIT_COOKIE_SECRET', 'env-cookie-secret-cccccccccccccccccccccccc');
    const first = handlerFor(fake, { cookieSecret: undefined });
    const cookie = cookiePair(await first.handler(sessionRequest('/api/chatkit/start')));
    const user = lastUser(fake);
    const second = handlerFor(fake, { cookieSecret: undefined }); // a restarted process with the same secret
    await second.handler(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: cookie } }));
    expect(lastUser(fake)).toBe(user);
    expect(first.logger.lines).toEqual([]);
  });

  it('without a secret signs with a per-process key and warns once that cookies will not survive a restart', async () => {
    vi.stubEnv('CHATKIT_COOKIE_SECRET', '');
    const { handler, logger } = handlerFor(fake, { cookieSecret: undefined });
    const cookie = cookiePair(await handler(sessionRequest('/api/chatkit/start')));
    const user = lastUser(fake);
    await handler(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: cookie } }));
    await handler(sessionRequest('/api/chatkit/start'));

    expect(fake.requests.map((request) => (request.body as { user: string }).user).slice(0, 2)).toEqual([user, user]);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^warn managed-chatkit: no cookieSecret or CHATKIT_COOKIE_SECRET: .*stop being recognised when this process restarts/);
  });

  it('answers 500 naming CHATKIT_COOKIE_SECRET when it is shorter than 32 characters', async () => {
    vi.stubEnv('CHATKIT_COOKIE_SECRET', 'too-short');
    const { handler } = handlerFor(fake, { cookieSecret: undefined });
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'CHATKIT_COOKIE_SECRET must be at least 32 characters; generate one with `openssl rand -base64 32`',
    });
    expect(fake.requests).toHaveLength(0);
  });
});
