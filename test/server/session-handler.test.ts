import { describe, expect, it, vi } from 'vitest';
import { createSessionHandler, type SessionHandlerOptions } from '../../src/server/index.js';
import { cookiePair, handlerFor, lastUser, sessionRequest, TEST_API_KEY, TEST_COOKIE_SECRET, TEST_WORKFLOW, useFakeSessionsApi } from '../fixtures/session-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fake = useFakeSessionsApi();

describe('start', () => {
  it('sends workflow, user, expires_after and chatkit_configuration upstream and answers only client_secret and expires_at', async () => {
    const { handler } = handlerFor(fake, { expiresAfterSeconds: 900, chatkitConfiguration: { history: { enabled: false } } });
    const response = await handler(sessionRequest('/api/chatkit/start'));

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['client_secret', 'expires_at']);
    expect(body.client_secret).toMatch(/^ek_fake_/);
    expect(body.expires_at).toBeGreaterThan(Date.now() / 1000 + 890);

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent!.path).toBe('/v1/chatkit/sessions');
    expect(sent!.headers['openai-beta']).toBe('chatkit_beta=v1');
    expect(sent!.body).toEqual({
      workflow: { id: TEST_WORKFLOW },
      user: expect.stringMatching(UUID),
      expires_after: { anchor: 'created_at', seconds: 900 },
      chatkit_configuration: { history: { enabled: false } },
    });
  });

  it('leaves expires_after and chatkit_configuration out unless configured', async () => {
    const { handler } = handlerFor(fake);
    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(200);
    expect(Object.keys(fake.requests[0]!.body as object).sort()).toEqual(['user', 'workflow']);
  });

  it('accepts an empty body and a body without Content-Type as {}', async () => {
    const { handler } = handlerFor(fake);
    const empty = new Request('http://localhost/api/chatkit/start', { method: 'POST' });
    expect((await handler(empty)).status).toBe(200);
    expect((await handler(sessionRequest('/api/chatkit/start', ''))).status).toBe(200);
  });

  it('serves custom startPath and refreshPath and exposes them as handler.paths', async () => {
    const { handler } = handlerFor(fake, { startPath: '/chat/session', refreshPath: '/chat/session/refresh' });
    expect(handler.paths).toEqual(['/chat/session', '/chat/session/refresh']);
    expect((await handler(sessionRequest('/chat/session'))).status).toBe(200);
    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(404);
  });

  it('reads OPENAI_API_KEY and CHATKIT_WORKFLOW_ID from the environment at the first request, not at creation', async () => {
    const handler = createSessionHandler({ cookieSecret: TEST_COOKIE_SECRET, logger: { warn() {}, error() {} } });
    vi.stubEnv('OPENAI_API_KEY', TEST_API_KEY);
    vi.stubEnv('CHATKIT_WORKFLOW_ID', 'wf_from_env');
    vi.stubEnv('OPENAI_BASE_URL', fake.url);

    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(200);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(fake.requests[0]!.body).toMatchObject({ workflow: { id: 'wf_from_env' } });
  });
});

describe('refresh', () => {
  it('creates a fresh session for the same user as start', async () => {
    const { handler } = handlerFor(fake);
    const start = await handler(sessionRequest('/api/chatkit/start'));
    const { client_secret: first } = (await start.json()) as { client_secret: string };
    const cookie = cookiePair(start);
    const startUser = lastUser(fake);

    const refresh = await handler(sessionRequest('/api/chatkit/refresh', { currentClientSecret: first }, { headers: { Cookie: cookie } }));
    expect(refresh.status).toBe(200);
    const { client_secret: second } = (await refresh.json()) as { client_secret: string };
    expect(second).toMatch(/^ek_fake_/);
    expect(second).not.toBe(first);
    expect(fake.requests).toHaveLength(2);
    expect(lastUser(fake)).toBe(startUser);
  });

  it.each([
    ['missing', {}],
    ['empty', { currentClientSecret: '' }],
    ['not a string', { currentClientSecret: 42 }],
    ['longer than 2048 characters', { currentClientSecret: 'x'.repeat(2049) }],
  ])('refuses a currentClientSecret that is %s with 400 naming the field', async (_, body) => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/refresh', body));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'currentClientSecret must be a non-empty string of at most 2048 characters: send {"currentClientSecret": "<the secret being refreshed>"}',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts a currentClientSecret of exactly 2048 characters', async () => {
    const { handler } = handlerFor(fake);
    expect((await handler(sessionRequest('/api/chatkit/refresh', { currentClientSecret: 'x'.repeat(2048) }))).status).toBe(200);
  });
});

describe('workflow from the browser', () => {
  it('accepts a workflow.id equal to the configured one', async () => {
    const { handler } = handlerFor(fake);
    expect((await handler(sessionRequest('/api/chatkit/start', { workflow: { id: TEST_WORKFLOW } }))).status).toBe(200);
  });

  it('refuses another workflow.id by default with 400 naming allowClientWorkflow', async () => {
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start', { workflow: { id: 'wf_other' } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error:
        'workflow.id "wf_other" in the request body is not accepted: this server uses its configured workflow (workflowId / CHATKIT_WORKFLOW_ID); list the id in allowClientWorkflow to let pages choose it, or drop the workflow-id attribute',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('uses a workflow.id listed in allowClientWorkflow and refuses unlisted ones', async () => {
    const { handler } = handlerFor(fake, { allowClientWorkflow: ['wf_support'] });
    expect((await handler(sessionRequest('/api/chatkit/start', { workflow: { id: 'wf_support' } }))).status).toBe(200);
    expect(fake.requests[0]!.body).toMatchObject({ workflow: { id: 'wf_support' } });
    expect((await handler(sessionRequest('/api/chatkit/start', { workflow: { id: 'wf_sales' } }))).status).toBe(400);
  });

  it('uses any workflow.id with allowClientWorkflow: true, even without a configured workflow', async () => {
    const { handler } = handlerFor(fake, { allowClientWorkflow: true, workflowId: undefined });
    expect((await handler(sessionRequest('/api/chatkit/refresh', { currentClientSecret: 'ek_x', workflow: { id: 'wf_any' } }))).status).toBe(200);
    expect(fake.requests[0]!.body).toMatchObject({ workflow: { id: 'wf_any' } });
  });

  it.each([[{ workflow: 'wf_x' }], [{ workflow: { id: '' } }], [{ workflow: { id: 7 } }], [{ workflow: null }]])(
    'refuses a malformed workflow %j with 400',
    async (body) => {
      const { handler } = handlerFor(fake, { allowClientWorkflow: true });
      const response = await handler(sessionRequest('/api/chatkit/start', body));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'workflow.id in the request body must be a non-empty string of at most 256 characters, or leave workflow out',
      });
    },
  );
});

describe('userId hook', () => {
  it('sends the id from userId(request, context) upstream and sets no cookie', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const { handler } = handlerFor(fake, {
      userId: async (request, context) => {
        seen.push([request.headers.get('authorization') ?? '', context.clientAddress]);
        return 'user_42';
      },
    });
    const response = await handler(sessionRequest('/api/chatkit/start', {}, { headers: { Authorization: 'Bearer site-token' } }), { clientAddress: '203.0.113.9' });

    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(lastUser(fake)).toBe('user_42');
    expect(seen).toEqual([['Bearer site-token', '203.0.113.9']]);
  });

  it('ignores a user-id cookie when userId is given', async () => {
    const { handler } = handlerFor(fake, { userId: () => 'user_42' });
    const forged = 'chatkit_user=00000000-0000-4000-8000-000000000000.AAAA';
    await handler(sessionRequest('/api/chatkit/start', {}, { headers: { Cookie: forged } }));
    expect(lastUser(fake)).toBe('user_42');
  });

  it.each([[null], [undefined], ['']])('answers 401 when userId returns %j', async (id) => {
    const { handler } = handlerFor(fake, { userId: () => id });
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Sign in first: this site's userId(request) found no signed-in user for this request" });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('options', () => {
  it.each([
    [{ startPath: 'api/start' }, 'startPath must be a URL path starting with "/"'],
    [{ startPath: '/same', refreshPath: '/same' }, 'startPath and refreshPath must differ'],
    [{ cookieSecret: 'short' }, 'cookieSecret must be at least 32 characters'],
    [{ cookieName: 'bad name' }, 'cookieName "bad name" must be a cookie token'],
    [{ timeout: 0 }, 'timeout must be an integer from 1 up, got 0'],
    [{ maxRetries: 9 }, 'maxRetries must be an integer from 0 to 5, got 9'],
    [{ expiresAfterSeconds: 1.5 }, 'expiresAfterSeconds must be an integer from 1 up'],
    [{ rateLimit: { perIp: { limit: 0, windowMs: 1000 } } }, 'rateLimit.perIp.limit must be an integer from 1 up'],
    [{ allowedOrigins: ['https://app.example.com/chat'] }, 'allowedOrigins entry "https://app.example.com/chat" is not an origin: write scheme://host[:port] with no path, e.g. "https://app.example.com"'],
    [{ allowedOrigins: ['*'] }, 'allowedOrigins entry "*" is not an origin'],
    [{ rateLimit: 60 }, 'rateLimit must be an object such as { perIp: { limit: 60, windowMs: 60000 } }, or false'],
    [{ rateLimit: { perUser: { limit: 5, windowMs: 0 } } }, 'rateLimit.perUser.windowMs must be an integer from 1 up'],
    [{ bodyTimeout: 0 }, 'bodyTimeout must be an integer from 1 up, got 0'],
    [{ cookieMaxAgeSeconds: 31 }, 'cookieMaxAgeSeconds must be an integer from 60 to 34560000, got 31'],
    [{ exposeErrors: 'yes' }, 'exposeErrors must be true or false, got "yes"'],
    [{ legacyCookies: 1 }, 'legacyCookies must be true or false, got 1'],
    [{ issuedSessions: {} }, 'issuedSessions must be a store with get(key) and set(key, session, ttlMs)'],
  ])('refuses %j at creation with a TypeError that names it', (options, message) => {
    expect(() => createSessionHandler(options as SessionHandlerOptions)).toThrow(TypeError);
    expect(() => createSessionHandler(options as SessionHandlerOptions)).toThrow(message);
  });
});
