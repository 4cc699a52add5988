import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, type RateLimitStore } from '../../src/server/index.js';
import { addressBucket } from '../../src/server/client-address.js';
import { cookiePair, handlerFor, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();

describe('MemoryRateLimitStore', () => {
  it('counts hits per key within a window and starts over when it ends', () => {
    let now = 1_000;
    const store = new MemoryRateLimitStore({ now: () => now });
    expect(store.hit('a', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
    now += 4_000;
    expect(store.hit('a', 10_000)).toEqual({ count: 2, resetMs: 6_000 });
    expect(store.hit('b', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
    now += 6_000;
    expect(store.hit('a', 10_000)).toEqual({ count: 1, resetMs: 10_000 });
  });

  it('prunes expired windows, so memory does not grow with one-off keys', () => {
    let now = 0;
    const store = new MemoryRateLimitStore({ now: () => now });
    for (let i = 0; i < 1_000; i += 1) store.hit(`ip:${i}`, 500);
    expect(store.size).toBe(1_000);
    now = 2_000;
    store.hit('late', 500);
    expect(store.size).toBe(1);
  });

  it('never holds more than maxKeys windows, dropping the oldest', () => {
    let now = 0;
    const store = new MemoryRateLimitStore({ maxKeys: 100, now: () => now });
    for (let i = 0; i < 1_000; i += 1) {
      now += 1;
      store.hit(`ip:${i}`, 60_000);
    }
    expect(store.size).toBe(100);
    expect(store.hit('ip:999', 60_000).count).toBe(2);
    expect(store.hit('ip:0', 60_000).count).toBe(1);
  });
});

describe('addressBucket', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('puts %s in bucket %s', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });
});

describe('rate limiting in the handler', () => {
  const start = (cookie?: string) => sessionRequest('/api/chatkit/start', {}, { headers: cookie ? { Cookie: cookie } : {} });

  it('answers 429 with Retry-After once a user is over rateLimit.perUser, without calling OpenAI', async () => {
    const { handler } = handlerFor(fake, { rateLimit: { perUser: { limit: 2, windowMs: 60_000 } } });
    const cookie = cookiePair(await handler(start()));
    expect((await handler(start(cookie))).status).toBe(200);
    const refused = await handler(start(cookie));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toEqual({ error: 'Too many session requests for this user: at most 2 per 60 s (rateLimit.perUser); retry in 60 s' });
    expect(fake.requests).toHaveLength(2);
    // another user is not affected
    expect((await handler(start())).status).toBe(200);
  });

  it('limits per client address from the adapter context, and keeps addresses apart', async () => {
    const { handler } = handlerFor(fake, { rateLimit: { perIp: { limit: 1, windowMs: 30_000 } } });
    expect((await handler(start(), { clientAddress: '203.0.113.9' })).status).toBe(200);
    const refused = await handler(start(), { clientAddress: '203.0.113.9' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toEqual({ error: 'Too many session requests from this address: at most 1 per 30 s (rateLimit.perIp); retry in 30 s' });
    expect((await handler(start(), { clientAddress: '198.51.100.4' })).status).toBe(200);
  });

  it('counts IPv6 addresses of one /64 together', async () => {
    const { handler } = handlerFor(fake, { rateLimit: { perIp: { limit: 1, windowMs: 30_000 } } });
    expect((await handler(start(), { clientAddress: '2001:db8:1:2::a' })).status).toBe(200);
    expect((await handler(start(), { clientAddress: '2001:db8:1:2:ffff::b' })).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless trustProxy is set, then uses the entry the proxy appended', async () => {
    const rateLimit = { perIp: { limit: 1, windowMs: 30_000 } };
    const spoofing = (address: string) => sessionRequest('/api/chatkit/start', {}, { headers: { 'X-Forwarded-For': `${address}, 198.51.100.77` } });

    const direct = handlerFor(fake, { rateLimit }).handler;
    expect((await direct(spoofing('1.1.1.1'), { clientAddress: '10.0.0.2' })).status).toBe(200);
    expect((await direct(spoofing('2.2.2.2'), { clientAddress: '10.0.0.2' })).status).toBe(429);

    const proxied = handlerFor(fake, { rateLimit, trustProxy: true }).handler;
    expect((await proxied(spoofing('1.1.1.1'), { clientAddress: '10.0.0.2' })).status).toBe(200);
    // the client changed the left-most entry, but the proxy still appended the same address
    expect((await proxied(spoofing('2.2.2.2'), { clientAddress: '10.0.0.2' })).status).toBe(429);
    expect((await proxied(sessionRequest('/api/chatkit/start', {}, { headers: { 'X-Forwarded-For': '198.51.100.78' } }), { clientAddress: '10.0.0.2' })).status).toBe(200);
  });

  it('uses a custom store and rateLimit.ip', async () => {
    const hits: Array<[string, number]> = [];
    const store: RateLimitStore = {
      async hit(key, windowMs) {
        hits.push([key, windowMs]);
        return { count: key.includes(':user:') ? 99 : 1, resetMs: 1_200 };
      },
    };
    const { handler } = handlerFor(fake, {
      userId: () => 'user_7',
      rateLimit: { store, ip: (request) => request.headers.get('cf-connecting-ip') ?? undefined, perIp: { limit: 5, windowMs: 1_000 }, perUser: { limit: 5, windowMs: 2_000 } },
    });
    const refused = await handler(sessionRequest('/api/chatkit/start', {}, { headers: { 'CF-Connecting-IP': '203.0.113.5' } }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(hits).toEqual([
      ['managed-chatkit:ip:203.0.113.5', 1_000],
      ['managed-chatkit:user:user_7', 2_000],
    ]);
  });

  it('lets requests through and logs when the store fails', async () => {
    const store: RateLimitStore = {
      hit() {
        throw new Error('redis: connection refused');
      },
    };
    const { handler, logger } = handlerFor(fake, { rateLimit: { store, perIp: false, perUser: { limit: 1, windowMs: 1_000 } } });
    expect((await handler(start())).status).toBe(200);
    expect(logger.lines).toEqual(['error managed-chatkit: rate-limit store failed, request allowed: redis: connection refused']);
  });

  it('warns once when perIp is set but no client address is known', async () => {
    const { handler, logger } = handlerFor(fake, { rateLimit: { perIp: { limit: 1, windowMs: 1_000 } } });
    expect((await handler(start(), {})).status).toBe(200);
    expect((await handler(start(), {})).status).toBe(200);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^warn managed-chatkit: rateLimit.perIp \(1 per 1 s\) is not enforced because the client address is unknown: .*rateLimit: \{ perIp: false \}/);
  });
});
