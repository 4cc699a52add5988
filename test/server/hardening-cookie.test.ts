import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_COOKIE_SECRET, cookiePair, handlerFor, lastUser, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();
afterEach(() => {
  vi.useRealTimers();
});

const HTTPS = 'https://chat.example.com';
const startAt = (base: string, cookie?: string) => sessionRequest('/api/chatkit/start', {}, { base, headers: cookie ? { Cookie: cookie } : {} });
const valueOf = (pair: string) => pair.slice(pair.indexOf('=') + 1);

/** A cookie value in the format of managed-chatkit 0.1.0: `<uuid>.<HMAC(uuid)>`, no issue time. */
function legacyValue(id: string, secret = TEST_COOKIE_SECRET): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

describe('cookie tossing (issue 14, point 3)', () => {
  it('on https a sibling subdomain\'s chatkit_user cookie (Domain=parent, longer Path, sent first) does not replace the victim\'s id', async () => {
    const { handler } = handlerFor(fake);
    const attacker = cookiePair(await handler(startAt(HTTPS)));
    const attackerId = lastUser(fake);
    const victim = cookiePair(await handler(startAt(HTTPS)));
    const victimId = lastUser(fake);

    // the attacker can only plant a cookie without the __Host- prefix; browsers list the longer path first
    const tossed = `chatkit_user=${valueOf(attacker)}`;
    const response = await handler(startAt(HTTPS, `${tossed}; ${victim}`));
    expect(response.status).toBe(200);
    expect(lastUser(fake)).toBe(victimId);
    expect(lastUser(fake)).not.toBe(attackerId);
  });

  it('on https a tossed cookie does not hand a first-time visitor the attacker\'s id either', async () => {
    const { handler } = handlerFor(fake);
    const attacker = cookiePair(await handler(startAt(HTTPS)));
    const attackerId = lastUser(fake);
    const response = await handler(startAt(HTTPS, `chatkit_user=${valueOf(attacker)}`));
    expect(response.status).toBe(200);
    expect(lastUser(fake)).not.toBe(attackerId);
    expect(cookiePair(response)).toMatch(/^__Host-chatkit_user=/);
  });

  it('refuses a duplicated cookie name instead of taking the first: a fresh id, neither of the two', async () => {
    const { handler, logger } = handlerFor(fake);
    const first = cookiePair(await handler(startAt('http://localhost')));
    const firstId = lastUser(fake);
    const second = cookiePair(await handler(startAt('http://localhost')));
    const secondId = lastUser(fake);
    const response = await handler(startAt('http://localhost', `${first}; ${second}`));
    expect(response.status).toBe(200);
    expect([firstId, secondId]).not.toContain(lastUser(fake));
    expect(logger.lines.filter((line) => /sent 2 cookies named chatkit_user/.test(line))).toHaveLength(1);
  });

  it('is __Host- prefixed on https, with Secure and Path=/ and no Domain; plain on http', async () => {
    const { handler } = handlerFor(fake);
    const secure = (await handler(startAt(HTTPS))).headers.getSetCookie();
    expect(secure).toHaveLength(1);
    expect(secure[0]).toMatch(/^__Host-chatkit_user=[^;]+; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    const plain = (await handler(startAt('http://localhost'))).headers.getSetCookie();
    expect(plain[0]).toMatch(/^chatkit_user=[^;]+; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});

describe('cookie lifetime and re-issue (issue 14, point 3)', () => {
  it('is not re-issued on every request', async () => {
    const { handler } = handlerFor(fake);
    const cookie = cookiePair(await handler(startAt(HTTPS)));
    const again = await handler(startAt(HTTPS, cookie));
    expect(again.status).toBe(200);
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('carries its issue time under the signature: past cookieMaxAgeSeconds it is not accepted, past a day it is re-issued', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const { handler } = handlerFor(fake, { cookieMaxAgeSeconds: 30 * 86_400 });
    const cookie = cookiePair(await handler(startAt(HTTPS)));
    const user = lastUser(fake);

    vi.setSystemTime(new Date('2026-01-03T00:00:00Z')); // two days later: same user, a renewed cookie
    const renewed = await handler(startAt(HTTPS, cookie));
    expect(lastUser(fake)).toBe(user);
    const fresh = cookiePair(renewed);
    expect(fresh).not.toBe(cookie);
    expect(renewed.headers.getSetCookie()[0]).toMatch(/Max-Age=2592000;/);

    vi.setSystemTime(new Date('2026-02-15T00:00:00Z')); // the first cookie is now 45 days old
    await handler(startAt(HTTPS, cookie));
    expect(lastUser(fake)).not.toBe(user);
  });

  it('with a max age shorter than two days, is re-signed after half of it, so an active user keeps the id', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const { handler } = handlerFor(fake, { cookieMaxAgeSeconds: 3_600 });
    let cookie = cookiePair(await handler(startAt(HTTPS)));
    const user = lastUser(fake);
    for (const time of ['00:20', '00:40', '01:10', '01:35', '02:00', '02:25']) {
      vi.setSystemTime(new Date(`2026-01-01T${time}:00Z`));
      const response = await handler(startAt(HTTPS, cookie));
      expect(lastUser(fake)).toBe(user);
      if (response.headers.getSetCookie().length > 0) cookie = cookiePair(response);
    }
  });

  it('rejects an issue time in the future (a cookie forged with a leaked old key cannot live forever either)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-01-01T00:00:00Z'));
    const { handler } = handlerFor(fake);
    const cookie = cookiePair(await handler(startAt(HTTPS)));
    const user = lastUser(fake);
    vi.setSystemTime(new Date('2026-12-01T00:00:00Z'));
    await handler(startAt(HTTPS, cookie));
    expect(lastUser(fake)).not.toBe(user);
  });

  it('accepts a cookie signed with a secret still listed after rotation, and re-signs it with the new one', async () => {
    const oldSecret = 'old-cookie-secret-aaaaaaaaaaaaaaaaaaaaaaaa';
    const newSecret = 'new-cookie-secret-bbbbbbbbbbbbbbbbbbbbbbbb';
    const cookie = cookiePair(await handlerFor(fake, { cookieSecret: oldSecret }).handler(startAt(HTTPS)));
    const user = lastUser(fake);
    const rotated = handlerFor(fake, { cookieSecret: [newSecret, oldSecret] }).handler;
    const response = await rotated(startAt(HTTPS, cookie));
    expect(lastUser(fake)).toBe(user);
    const resigned = cookiePair(response);
    expect(resigned).not.toBe(cookie);
    // once the old secret is dropped the re-signed cookie still works
    await handlerFor(fake, { cookieSecret: newSecret }).handler(startAt(HTTPS, resigned));
    expect(lastUser(fake)).toBe(user);
  });
});

describe('cookies of managed-chatkit 0.1.0 (transition)', () => {
  const id = '3f1d2c4b-5a69-4788-9abc-def012345678';

  it('are read once and upgraded: the same id in the new format, __Host- on https, the old cookie deleted', async () => {
    const { handler } = handlerFor(fake);
    const response = await handler(startAt(HTTPS, `chatkit_user=${legacyValue(id)}`));
    expect(lastUser(fake)).toBe(id);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^__Host-chatkit_user=3f1d2c4b-5a69-4788-9abc-def012345678\.\w+\.[\w-]{43}; /);
    expect(cookies[1]).toBe('chatkit_user=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure');
  });

  it('lose to a new-format __Host- cookie, and are not read at all with legacyCookies: false', async () => {
    const { handler } = handlerFor(fake);
    const own = cookiePair(await handler(startAt(HTTPS)));
    const user = lastUser(fake);
    await handler(startAt(HTTPS, `chatkit_user=${legacyValue(id)}; ${own}`));
    expect(lastUser(fake)).toBe(user);

    const strict = handlerFor(fake, { legacyCookies: false }).handler;
    await strict(startAt('http://localhost', `chatkit_user=${legacyValue(id)}`));
    expect(lastUser(fake)).not.toBe(id);
  });
});
