import { describe, expect, it } from 'vitest';
import { isPrivateAddress, parseIpAddress } from '../../src/server/client-address.js';
import type { RateLimitStore } from '../../src/server/index.js';
import { handlerFor, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();
const start = (headers: Record<string, string> = {}) => sessionRequest('/api/chatkit/start', {}, { headers });

/** A store that records every key it is asked to count and never refuses. */
function recordingStore(): RateLimitStore & { keys: string[] } {
  const keys: string[] = [];
  return { keys, hit: (key) => (keys.push(key), { count: 1, resetMs: 1_000 }) };
}

describe('default rate limits (issue 14, point 2)', () => {
  it('holds off a cookie-less bot from one address without any rateLimit option: 60 per minute, then 429', async () => {
    const { handler } = handlerFor(fake);
    const statuses: number[] = [];
    for (let i = 0; i < 61; i += 1) statuses.push((await handler(start(), { clientAddress: '203.0.113.9' })).status);
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    expect(fake.requests).toHaveLength(60);
    // another address is not affected
    expect((await handler(start(), { clientAddress: '198.51.100.4' })).status).toBe(200);
  });

  it('limits one user to 10 sessions per minute by default', async () => {
    const { handler } = handlerFor(fake, { userId: () => 'user_1' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await handler(start(), { clientAddress: `203.0.113.${i}` })).status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    expect(statuses[10]).toBe(429);
  });

  it('can be raised per rule (the other rule keeps its default) and turned off with rateLimit: false', async () => {
    const raised = handlerFor(fake, { rateLimit: { perIp: { limit: 1_000, windowMs: 60_000 } }, userId: () => 'user_2' }).handler;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await raised(start(), { clientAddress: '203.0.113.9' })).status);
    expect(statuses[10]).toBe(429); // perUser default still applies

    const off = handlerFor(fake, { rateLimit: false, userId: () => 'user_3' }).handler;
    for (let i = 0; i < 12; i += 1) expect((await off(start(), { clientAddress: '203.0.113.9' })).status).toBe(200);
  });
});

describe('rate-limit keys (issue 14, point 4)', () => {
  it('falls back to the socket address when the trusted X-Forwarded-For entry is not an IP address', async () => {
    const { handler } = handlerFor(fake, { trustProxy: true, rateLimit: { perIp: { limit: 1, windowMs: 60_000 }, perUser: false } });
    expect((await handler(start({ 'X-Forwarded-For': 'not-an-ip-1' }), { clientAddress: '10.0.0.2' })).status).toBe(200);
    // rotating garbage must not open a fresh bucket per request
    expect((await handler(start({ 'X-Forwarded-For': 'not-an-ip-2' }), { clientAddress: '10.0.0.2' })).status).toBe(429);
  });

  it('caps key length: a 6 KB X-Forwarded-For and a 5 000-character user id give short keys', async () => {
    const store = recordingStore();
    const { handler } = handlerFor(fake, {
      trustProxy: true,
      userId: () => 'u'.repeat(5_000),
      rateLimit: { store, perIp: { limit: 5, windowMs: 1_000 }, perUser: { limit: 5, windowMs: 1_000 } },
    });
    expect((await handler(start({ 'X-Forwarded-For': 'x'.repeat(6_000) }), { clientAddress: '10.0.0.2' })).status).toBe(200);
    expect(store.keys).toHaveLength(2);
    for (const key of store.keys) expect(key.length).toBeLessThanOrEqual(100);
    expect(store.keys[0]).toBe('managed-chatkit:ip:10.0.0.2');
  });

  it('validates what rateLimit.ip returns and falls back to the socket address', async () => {
    const store = recordingStore();
    const { handler } = handlerFor(fake, { rateLimit: { store, ip: (request) => request.headers.get('x-client') ?? undefined, perUser: false } });
    await handler(start({ 'X-Client': '<script>'.repeat(50) }), { clientAddress: '198.51.100.3' });
    await handler(start({ 'X-Client': '203.0.113.77' }), { clientAddress: '198.51.100.3' });
    expect(store.keys).toEqual(['managed-chatkit:ip:198.51.100.3', 'managed-chatkit:ip:203.0.113.77']);
  });
});

describe('trustProxy meeting a client-written X-Forwarded-For (issue 14, point 4)', () => {
  it('warns once when a request with X-Forwarded-For arrives straight from a public address', async () => {
    const { handler, logger } = handlerFor(fake, { trustProxy: true });
    await handler(start({ 'X-Forwarded-For': '192.0.2.1' }), { clientAddress: '10.0.0.2' }); // through a private proxy: fine
    await handler(start({ 'X-Forwarded-For': '127.0.0.1' }), { clientAddress: '::1' });
    expect(logger.lines).toEqual([]);
    await handler(start({ 'X-Forwarded-For': '192.0.2.1' }), { clientAddress: '198.51.100.7' });
    await handler(start({ 'X-Forwarded-For': '192.0.2.2' }), { clientAddress: '198.51.100.8' });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^warn managed-chatkit: trustProxy is set, but a request carrying X-Forwarded-For came straight from the public address 198\.51\.100\.7/);
  });
});

describe('parseIpAddress and isPrivateAddress', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9', false],
    ['203.0.113.9:51234', '203.0.113.9', false],
    ['[2001:db8::1]:443', '2001:db8::1', false],
    ['2001:DB8::1', '2001:db8::1', false],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3', true],
    ['fe80::1%eth0', 'fe80::1', true],
    ['fd12:3456::1', 'fd12:3456::1', true],
    ['::1', '::1', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['10.0.0.2', '10.0.0.2', true],
    ['172.16.0.1', '172.16.0.1', true],
    ['172.32.0.1', '172.32.0.1', false],
    ['192.168.1.1', '192.168.1.1', true],
    ['100.64.0.1', '100.64.0.1', true],
    ['169.254.1.1', '169.254.1.1', true],
  ])('%s is the address %s (private: %s)', (text, address, isPrivate) => {
    expect(parseIpAddress(text)).toBe(address);
    expect(isPrivateAddress(text)).toBe(isPrivate);
  });

  it.each(['', 'not-an-ip', '256.1.1.1', '01.2.3.4', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', 'unknown', '_hidden', `1.2.3.4${' '.repeat(70)}`, '1'.repeat(65)])(
    'refuses %j',
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
      expect(isPrivateAddress(text)).toBe(false);
    },
  );
});
