import { describe, expect, it } from 'vitest';
import { MemoryIssuedSessionStore, type IssuedSessionStore } from '../../src/server/index.js';
import { cookiePair, handlerFor, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();

async function startSession(handler: ReturnType<typeof handlerFor>['handler'], cookie?: string): Promise<{ secret: string; cookie: string }> {
  const response = await handler(sessionRequest('/api/chatkit/start', {}, { headers: cookie ? { Cookie: cookie } : {} }));
  const { client_secret } = (await response.json()) as { client_secret: string };
  return { secret: client_secret, cookie: cookie ?? cookiePair(response) };
}
const refresh = (secret: string, cookie: string) => sessionRequest('/api/chatkit/refresh', { currentClientSecret: secret }, { headers: { Cookie: cookie } });
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('refresh (issue 14, point 4)', () => {
  it('cancels the session being replaced', async () => {
    const { handler } = handlerFor(fake);
    const first = await startSession(handler);
    const response = await handler(refresh(first.secret, first.cookie));
    expect(response.status).toBe(200);
    await until(() => fake.cancelled.length > 0);
    expect(fake.cancelled).toEqual([fake.sessionIdOf(first.secret)]);
  });

  it('cancels a replaced session once, however often its secret is refreshed again', async () => {
    const { handler, logger } = handlerFor(fake);
    const first = await startSession(handler);
    expect((await handler(refresh(first.secret, first.cookie))).status).toBe(200);
    await until(() => fake.cancelled.length > 0);
    expect((await handler(refresh(first.secret, first.cookie))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.cancelled).toHaveLength(1);
    expect(logger.lines).toEqual([]);
  });

  it('refuses another user\'s client secret with 403 and cancels nothing', async () => {
    const { handler } = handlerFor(fake);
    const victim = await startSession(handler);
    const attacker = await startSession(handler);
    const response = await handler(refresh(victim.secret, attacker.cookie));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/currentClientSecret .* not one this server issued to this user/);
    expect(fake.requests.filter((request) => request.path === '/v1/chatkit/sessions')).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.cancelled).toEqual([]);
  });

  it('still refreshes a secret it cannot check (issued before a restart or by another instance), without cancelling', async () => {
    const { handler } = handlerFor(fake);
    const { cookie } = await startSession(handler);
    const response = await handler(refresh('ek_issued_elsewhere', cookie));
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.cancelled).toEqual([]);
  });

  it('keeps refreshing when the cancel fails, and logs it', async () => {
    const { handler, logger } = handlerFor(fake);
    const first = await startSession(handler);
    fake.setFault((request) => (request.path.endsWith('/cancel') ? { type: 'error', status: 500 } : undefined));
    expect((await handler(refresh(first.secret, first.cookie))).status).toBe(200);
    await until(() => logger.lines.length > 0);
    expect(logger.lines.some((line) => /could not cancel the replaced ChatKit session cksess_/.test(line))).toBe(true);
  });
});

describe('issued sessions', () => {
  it('MemoryIssuedSessionStore forgets entries when they expire and keeps at most maxEntries', () => {
    let now = 0;
    const store = new MemoryIssuedSessionStore({ maxEntries: 3, now: () => now });
    store.set('a', { userId: 'u1', sessionId: 's1' }, 1_000);
    expect(store.get('a')).toEqual({ userId: 'u1', sessionId: 's1' });
    now = 1_000;
    expect(store.get('a')).toBeUndefined();
    for (const key of ['b', 'c', 'd', 'e']) store.set(key, { userId: 'u', sessionId: key }, 60_000);
    expect(store.size).toBe(3);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('e')?.sessionId).toBe('e');
  });

  it('a shared store lets a second instance check and cancel a refresh; its keys never contain the secret', async () => {
    const entries = new Map<string, string>();
    const shared: IssuedSessionStore = {
      set: async (key, session) => void entries.set(key, JSON.stringify(session)),
      get: async (key) => (entries.has(key) ? JSON.parse(entries.get(key)!) : undefined),
    };
    const first = handlerFor(fake, { issuedSessions: shared }).handler;
    const second = handlerFor(fake, { issuedSessions: shared }).handler;
    const victim = await startSession(first);
    const attacker = await startSession(first);
    expect([...entries.keys()].every((key) => /^managed-chatkit:secret:[\w-]{43}$/.test(key) && !key.includes(victim.secret))).toBe(true);
    expect((await second(refresh(victim.secret, attacker.cookie))).status).toBe(403);
    expect((await second(refresh(victim.secret, victim.cookie))).status).toBe(200);
    await until(() => fake.cancelled.length > 0);
    expect(fake.cancelled).toEqual([fake.sessionIdOf(victim.secret)]);
  });

  it('issuedSessions: false keeps nothing: refreshes are neither checked nor cancel', async () => {
    const { handler } = handlerFor(fake, { issuedSessions: false });
    const victim = await startSession(handler);
    const attacker = await startSession(handler);
    expect((await handler(refresh(victim.secret, attacker.cookie))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.cancelled).toEqual([]);
  });
});
