/**
 * Every malformed request is a JSON 4xx whose message names the field (never a 500, never a stack trace), and
 * user A can reach nothing of user B's: their threads and items answer 404 (not 403) to every request type.
 */
import { describe, expect, it } from 'vitest';
import { CHATKIT_RATE_LIMIT_DEFAULTS, createChatKitHandler } from '../../../src/server/chatkit/handler.js';
import { MemoryStore } from '../../../src/server/chatkit/store/memory-store.js';
import { tricklingRequest } from '../../fixtures/trickling-request.js';
import { COOKIE_SECRET, now, startChatKit, userInput } from './chatkit-client.js';

describe('malformed requests → 400 naming the field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"type": "threads.list", ', /not valid JSON/],
    ['a JSON array', '[1, 2]', /must be a JSON object/],
    ['no type', { params: {} }, /^type: expected one of "threads.create", .*; it is missing$/],
    ['an unknown type', { type: 'threads.explode', params: {} }, /^type: expected one of .*; got "threads.explode"$/],
    ['a type of the wrong kind', { type: 42, params: {} }, /^type: expected one of .*; got 42$/],
    ['missing params', { type: 'threads.get_by_id' }, /params: required \(object\)/],
    ['params of the wrong kind', { type: 'threads.list', params: 'all' }, /params: expected object, received string/],
    ['a missing thread_id', { type: 'threads.get_by_id', params: {} }, /params\.thread_id: required \(string\)/],
    ['an empty thread_id', { type: 'threads.delete', params: { thread_id: '' } }, /params\.thread_id: must be a non-empty id/],
    ['a number as text', { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 5 }] } } }, /params\.input\.content\[0\]\.text: expected string, received number/],
    ['an unknown content type', { type: 'threads.create', params: { input: { content: [{ type: 'input_image' }] } } }, /params\.input\.content\[0\]\.type: expected one of "input_text", "input_tag"; got "input_image"/],
    ['content that is not a list', { type: 'threads.add_user_message', params: { thread_id: 't', input: { content: 'hi' } } }, /params\.input\.content: expected array, received string/],
    ['a wrong order', { type: 'items.list', params: { thread_id: 't', order: 'newest' } }, /params\.order: expected one of "asc", "desc"/],
    ['a fractional limit', { type: 'threads.list', params: { limit: 2.5 } }, /params\.limit: expected int/],
    ['a negative limit', { type: 'threads.list', params: { limit: -1 } }, /params\.limit: Too small/i],
    ['a wrong feedback kind', { type: 'items.feedback', params: { thread_id: 't', item_ids: ['a'], kind: 'meh' } }, /params\.kind: expected one of "positive", "negative"/],
    ['item_ids not a list', { type: 'items.feedback', params: { thread_id: 't', item_ids: 'a', kind: 'positive' } }, /params\.item_ids: expected array, received string/],
    ['an action without type', { type: 'threads.custom_action', params: { thread_id: 't', action: {} } }, /params\.action\.type: required \(string\)/],
    ['a negative attachment size', { type: 'attachments.create', params: { name: 'a', size: -1, mime_type: 'text/plain' } }, /params\.size: Too small/i],
    ['a title that is not text', { type: 'threads.update', params: { thread_id: 't', title: null } }, /params\.title: expected string, received null/],
    ['a structured input status', { type: 'threads.add_structured_input', params: { thread_id: 't', item_id: 'i', input: { status: 'maybe' } } }, /params\.input\.status: expected one of "answered", "skipped"/],
    ['metadata that is not an object', { type: 'threads.list', params: {}, metadata: 'x' }, /metadata: expected record, received string/],
  ];

  for (const [name, body, message] of cases) {
    it(`${name}`, async () => {
      const { client } = await startChatKit();
      const answer = await client().post(body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.json.error).toMatch(message);
      expect(answer.text).not.toMatch(/at .*\.ts:\d+|ZodError/);
    });
  }

  it('a limit above 1000 is capped, not refused (the client pages on with after)', async () => {
    const { client, store } = await startChatKit();
    const user = client();
    const { threadId } = await user.createThread();
    const calls: number[] = [];
    const original = store.loadThreadItems.bind(store);
    store.loadThreadItems = (id, after, limit, order, context) => (calls.push(limit), original(id, after, limit, order, context));
    const answer = await user.post({ type: 'items.list', params: { thread_id: threadId, limit: 100000 } });
    expect(answer.status).toBe(200);
    expect(calls).toEqual([1000]);
  });

  it('unknown fields are ignored, as pydantic does; defaults are applied', async () => {
    let seenInput: unknown;
    const { client } = await startChatKit({
      async *respond(_thread, input) {
        seenInput = input;
        yield* [];
      },
    });
    const answer = await client().post({ type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'hi', extra: 1 }] }, future_field: true } });
    expect(answer.status).toBe(200);
    expect(seenInput).toMatchObject({ content: [{ type: 'input_text', text: 'hi' }], attachments: [], inference_options: {} });
  });

  it('refuses other methods, paths, content types and bodies over maxBodyBytes', async () => {
    const { url, client } = await startChatKit({ maxBodyBytes: 1000 });
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const elsewhere = await fetch(url.replace('/api/chatkit', '/api/other'), { method: 'POST' });
    expect(elsewhere.status).toBe(404);
    const text = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    const big = await client().post({ type: 'threads.create', params: { input: userInput('x'.repeat(2000)) } });
    expect(big.status).toBe(413);
    expect(big.json.error).toMatch(/maxBodyBytes/);
  });

  it('refusals for state: unknown thread 404, no pending tool call 400, structured input not pending 409, hooks missing 501', async () => {
    const { client } = await startChatKit({
      async *respond(thread, input) {
        if (input) yield { type: 'thread.item.done', item: { type: 'structured_input', id: 'si', thread_id: thread.id, created_at: now(), status: 'answered', inputs: [] } };
      },
    });
    const user = client();
    expect((await user.post({ type: 'threads.add_user_message', params: { thread_id: 'thr_nope', input: userInput('x') } })).status).toBe(404);
    const { threadId } = await user.createThread();
    const tool = await user.post({ type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: 1 } });
    expect(tool.status).toBe(400);
    expect(tool.json.error).toMatch(/not a pending client_tool_call/);
    expect((await user.post({ type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: 'si', input: {} } })).status).toBe(409);
    for (const [body, option] of [
      [{ type: 'threads.custom_action', params: { thread_id: threadId, action: { type: 'x' } } }, 'action'],
      [{ type: 'threads.sync_custom_action', params: { thread_id: threadId, action: { type: 'x' } } }, 'syncAction'],
      [{ type: 'input.transcribe', params: { audio_base64: 'aGk=', mime_type: 'audio/webm' } }, 'transcribe'],
    ] as const) {
      const answer = await user.post(body);
      expect(answer.status).toBe(501);
      expect(answer.json.error).toContain(`pass ${option}:`);
    }
    expect((await user.post({ type: 'threads.create', params: { input: userInput('x', { attachments: ['atc_missing'] }) } })).status).toBe(404);
    const threads = await user.post({ type: 'threads.list', params: {} });
    expect(threads.json.data).toHaveLength(1); // the refused create wrote nothing
  });

  it('createChatKitHandler refuses neither or both of agent and respond, naming both', () => {
    expect(() => createChatKitHandler({ store: new MemoryStore() })).toThrow(/exactly one of `agent`.*or `respond`/);
    expect(() => createChatKitHandler({ store: new MemoryStore(), respond: async function* () {}, agent: {} as never })).toThrow(/exactly one of `agent`.*or `respond`/);
    expect(() => createChatKitHandler({ respond: async function* () {}, path: 'api' })).toThrow(/path must be a URL path/);
    expect(() => createChatKitHandler({ respond: async function* () {}, cookieSecret: 'short' })).toThrow(/createChatKitHandler: cookieSecret must be at least 32/);
  });

  it('a context(request) that finds no user answers 401; unexpected errors are a 500 without details', async () => {
    const { client, logged } = await startChatKit({
      context: (request) => (request.headers.get('x-user') ? { userId: request.headers.get('x-user')! } : null),
    });
    const anonymous = await client().post({ type: 'threads.list', params: {} });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.getSetCookie()).toEqual([]);

    class BrokenStore extends MemoryStore {
      override async loadThreads(): Promise<never> {
        throw new Error('connection string postgres://admin:hunter2@db');
      }
    }
    const broken = await startChatKit({ store: new BrokenStore() });
    const answer = await broken.client().post({ type: 'threads.list', params: {} });
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('hunter2');
    expect(broken.logged.some((line) => line.includes('hunter2'))).toBe(true);
    expect(logged).toEqual([]);
  });
});

describe('two-user isolation: user A gets 404 for everything of user B', () => {
  it('read, list, items, update, delete, post, retry, tool output, structured input, actions, feedback, attachments', async () => {
    const { client, store } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: { type: 'widget', id: `w_${thread.id}`, thread_id: thread.id, created_at: now(), widget: { type: 'Card', children: [] } } };
      },
      action: async function* () {},
      syncAction: () => ({}),
      attachmentStore: { createAttachment: (params) => ({ type: 'file', id: `atc_${params.name}`, name: params.name, mime_type: params.mime_type }), deleteAttachment: () => {} },
    });
    const alice = client();
    const bob = client();
    const { threadId } = await bob.createThread('Bob\'s secret');
    const bobItems = (await bob.post({ type: 'items.list', params: { thread_id: threadId } })).json.data;
    const bobMessage = bobItems.find((item: { type: string }) => item.type === 'user_message').id;
    const bobWidget = `w_${threadId}`;
    const bobAttachment = (await bob.post({ type: 'attachments.create', params: { name: 'b.txt', size: 1, mime_type: 'text/plain' } })).json.id;
    await alice.createThread('Alice\'s own');
    expect(alice.userId).not.toBe(bob.userId);

    const attempts: Record<string, unknown> = {
      'threads.get_by_id': { thread_id: threadId },
      'items.list': { thread_id: threadId },
      'threads.update': { thread_id: threadId, title: 'pwned' },
      'threads.delete': { thread_id: threadId },
      'threads.add_user_message': { thread_id: threadId, input: userInput('hi') },
      'threads.retry_after_item': { thread_id: threadId, item_id: bobMessage },
      'threads.add_client_tool_output': { thread_id: threadId, result: {} },
      'threads.add_structured_input': { thread_id: threadId, item_id: bobMessage, input: {} },
      'threads.custom_action': { thread_id: threadId, item_id: bobWidget, action: { type: 'x' } },
      'threads.sync_custom_action': { thread_id: threadId, item_id: bobWidget, action: { type: 'x' } },
      'items.feedback': { thread_id: threadId, item_ids: [bobMessage], kind: 'negative' },
      'attachments.delete': { attachment_id: bobAttachment },
    };
    for (const [type, params] of Object.entries(attempts)) {
      const answer = await alice.post({ type, params });
      expect([type, answer.status]).toEqual([type, 404]);
      expect(answer.text).not.toContain('Bob');
    }
    const usingBobsAttachment = await alice.post({ type: 'threads.create', params: { input: userInput('x', { attachments: [bobAttachment] }) } });
    expect(usingBobsAttachment.status).toBe(404);

    const list = await alice.post({ type: 'threads.list', params: {} });
    expect(list.json.data.map((thread: { id: string }) => thread.id)).not.toContain(threadId);

    // Bob's thread is untouched.
    const bobThread = await bob.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(bobThread.status).toBe(200);
    expect(bobThread.json.title).toBeUndefined();
    expect(bobThread.json.items.data).toHaveLength(2);
    expect((await store.loadAttachment(bobAttachment, bob.context)).name).toBe('b.txt');
  });

  it('a forged or foreign-signed cookie gets a new user, not the claimed one', async () => {
    const { client } = await startChatKit();
    const bob = client();
    const { threadId } = await bob.createThread();
    const forger = client();
    forger.cookie = `chatkit_user=${bob.userId}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const answer = await forger.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(answer.status).toBe(404);
    await forger.post({ type: 'threads.list', params: {} }); // a successful answer issues the forger a cookie of its own
    expect(forger.userId).not.toBe(bob.userId);
    expect(COOKIE_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});

describe('shared protections (as createSessionHandler)', () => {
  it('rate limits per user with 429 and Retry-After', async () => {
    const { client } = await startChatKit({ rateLimit: { perUser: { limit: 2, windowMs: 60_000 } } });
    const user = client();
    expect((await user.post({ type: 'threads.list', params: {} })).status).toBe(200);
    expect((await user.post({ type: 'threads.list', params: {} })).status).toBe(200);
    const third = await user.post({ type: 'threads.list', params: {} });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.json.error).toMatch(/Too many ChatKit requests for this user.*rateLimit.perUser/);
    expect((await client().post({ type: 'threads.list', params: {} })).status).toBe(200); // another user is not affected
  });

  it('limits by default: the 121st request of one user within a minute gets 429 (CHATKIT_RATE_LIMIT_DEFAULTS)', async () => {
    const { client } = await startChatKit();
    const user = client();
    for (let i = 0; i < CHATKIT_RATE_LIMIT_DEFAULTS.perUser.limit; i++) {
      expect((await user.post({ type: 'threads.list', params: {} })).status).toBe(200);
    }
    const over = await user.post({ type: 'threads.list', params: {} });
    expect(over.status).toBe(429);
    expect(over.json.error).toMatch(/rateLimit\.perUser/);
  });

  it('issues the user cookie once, not on every request', async () => {
    const { url } = await startChatKit();
    const first = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":"threads.list","params":{}}' });
    const cookie = first.headers.getSetCookie()[0]!.split(';', 1)[0]!;
    for (let i = 0; i < 3; i++) {
      const again = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: '{"type":"threads.list","params":{}}' });
      expect(again.status).toBe(200);
      expect(again.headers.getSetCookie()).toEqual([]);
    }
  });

  it('a user cookie sent twice (cookie tossing from a sibling subdomain) is not trusted: the visitor gets a new id', async () => {
    const { client, logged } = await startChatKit();
    const attacker = client();
    const { threadId } = await attacker.createThread('planted');
    const victim = client();
    await victim.post({ type: 'threads.list', params: {} });
    const tossed = await victim.post({ type: 'threads.get_by_id', params: { thread_id: threadId } }, { headers: { Cookie: `${attacker.cookie}; ${victim.cookie}` } });
    expect(tossed.status).toBe(404);
    expect(logged.join('\n')).toMatch(/cookie tossing/);
  });

  it('a body that trickles in past bodyTimeout is cut with 408', async () => {
    const handler = createChatKitHandler({ respond: async function* () {}, store: new MemoryStore(), cookieSecret: COOKIE_SECRET, bodyTimeout: 300 });
    const { request, stop } = tricklingRequest('http://localhost/api/chatkit');
    const response = await handler(request, { clientAddress: '127.0.0.1' });
    stop();
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: string }).error).toMatch(/bodyTimeout/);
  });

  it('answers a listed origin\'s preflight and streams with CORS headers; refuses other origins with 403', async () => {
    const { url, client } = await startChatKit({ allowedOrigins: ['https://app.example.com'] });
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const stream = await client().post({ type: 'threads.create', params: { input: userInput('Hi') } }, { headers: { Origin: 'https://app.example.com' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(stream.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await client().post({ type: 'threads.list', params: {} }, { headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toMatch(/allowedOrigins/);
  });
});

describe('responder mistakes', () => {
  it('a respond that returns no async iterable ends the stream with an error event and a log line that says how to write it', async () => {
    const { client, logged } = await startChatKit({ respond: (() => ({ not: 'iterable' })) as never });
    const { events } = await client().createThread();
    expect(events.at(-1)).toEqual({ type: 'error', code: 'stream.error', allow_retry: true });
    expect(logged.join('\n')).toMatch(/must return an async iterable.*async function\*/);
  });
});
