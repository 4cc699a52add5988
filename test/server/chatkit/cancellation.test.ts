/**
 * Client disconnects and failures mid-stream: the responder is stopped through its signal, what was produced is
 * saved as chatkit-python's handle_stream_cancelled does, and the thread stays loadable and consistent.
 */
import { describe, expect, it } from 'vitest';
import { STREAM_CANCELLED_CONTEXT } from '../../../src/server/chatkit/server.js';
import type { ThreadItem, ThreadStreamEvent } from '../../../src/server/chatkit/types.js';
import { now, readEvents, startChatKit, userInput, type WireEvent } from './chatkit-client.js';

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A responder that streams "Hello, " + "World!" into a pending assistant message, then waits for the abort. */
function pendingAssistant(content: string[], state: { signal?: AbortSignal; finished?: boolean }) {
  return async function* respond(thread: { id: string }, _input: unknown, _context: unknown, { signal }: { signal: AbortSignal }): AsyncGenerator<ThreadStreamEvent> {
    state.signal = signal;
    yield {
      type: 'thread.item.added',
      item: { type: 'assistant_message', id: 'assistant-message-pending', thread_id: thread.id, created_at: now(), content: content.length ? [{ type: 'output_text', text: content[0]!, annotations: [] }] : [] },
    };
    for (const delta of content.slice(1)) {
      yield { type: 'thread.item.updated', item_id: 'assistant-message-pending', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta } };
    }
    yield { type: 'progress_update', text: 'thinking' }; // the test disconnects when it sees this
    await aborted(signal);
    state.finished = true;
  };
}

/** Starts threads.create, reads events until `progress_update`, then drops the connection. */
async function disconnectMidStream(client: ReturnType<Awaited<ReturnType<typeof startChatKit>>['client']>): Promise<{ threadId: string; seen: WireEvent[] }> {
  const controller = new AbortController();
  const response = await client.send({ type: 'threads.create', params: { input: userInput('Hello') } }, { signal: controller.signal });
  const seen: WireEvent[] = [];
  for await (const event of readEvents(response)) {
    seen.push(event);
    if (event.type === 'progress_update') break;
  }
  controller.abort();
  return { threadId: seen[0]!.thread.id, seen };
}

describe('stream cancellation (client disconnect)', () => {
  it('test_stream_cancellation_persists_pending_assistant_message_and_hidden_context', async () => {
    const state: { signal?: AbortSignal; finished?: boolean } = {};
    const { client, store } = await startChatKit({ respond: pendingAssistant(['Hello, ', 'World!'], state) });
    const user = client();
    const { threadId, seen } = await disconnectMidStream(user);
    expect(seen.map((event) => event.type)).toEqual(['thread.created', 'thread.item.done', 'stream_options', 'thread.item.added', 'thread.item.updated', 'progress_update']);

    await until(() => state.finished === true); // the responder's signal aborted and it stopped
    expect(state.signal!.aborted).toBe(true);
    await until(async () => (await store.loadThreadItems(threadId, null, 1, 'desc', user.context)).data[0]?.type === 'sdk_hidden_context');

    const last = (await store.loadThreadItems(threadId, null, 1, 'desc', user.context)).data[0] as Extract<ThreadItem, { type: 'sdk_hidden_context' }>;
    expect(last.content).toBe(STREAM_CANCELLED_CONTEXT);
    expect(last.id).toMatch(/^shcx_[0-9a-f]{32}$/);
    const saved = await store.loadItem(threadId, 'assistant-message-pending', user.context);
    expect(saved.type === 'assistant_message' && saved.content[0]!.text).toBe('Hello, World!');

    // The thread is loadable, with the partial answer and without the hidden note.
    const thread = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(thread.status).toBe(200);
    expect(thread.json.items.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'assistant_message']);
  });

  it('test_stream_cancellation_does_not_persist_pending_empty_assistant_message', async () => {
    const state: { signal?: AbortSignal; finished?: boolean } = {};
    const { client, store } = await startChatKit({ respond: pendingAssistant([], state) });
    const user = client();
    const { threadId } = await disconnectMidStream(user);
    await until(async () => (await store.loadThreadItems(threadId, null, 1, 'desc', user.context)).data[0]?.type === 'sdk_hidden_context');
    await expect(store.loadItem(threadId, 'assistant-message-pending', user.context)).rejects.toThrow(/not found/);
    const items = await store.loadThreadItems(threadId, null, 10, 'asc', user.context);
    expect(items.data.map((item) => item.type)).toEqual(['user_message', 'sdk_hidden_context']);
  });

  it('a responder that ignores its signal is no longer iterated after the disconnect', async () => {
    let pulled = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client, store } = await startChatKit({
      async *respond(thread) {
        yield { type: 'progress_update', text: 'thinking' };
        await gate; // ignores the signal
        for (;;) {
          pulled += 1;
          yield { type: 'thread.item.done', item: { type: 'assistant_message', id: `late_${pulled}`, thread_id: thread.id, created_at: now(), content: [] } };
        }
      },
    });
    const user = client();
    const { threadId } = await disconnectMidStream(user);
    await until(async () => (await store.loadThreadItems(threadId, null, 1, 'desc', user.context)).data[0]?.type === 'sdk_hidden_context');
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBeLessThanOrEqual(1); // the generator finishes the step it was in, then is returned
    const items = await store.loadThreadItems(threadId, null, 10, 'asc', user.context);
    expect(items.data.map((item) => item.type)).toEqual(['user_message', 'sdk_hidden_context']);
  });

  it('a custom handleStreamCancelled receives the pending items instead of the default', async () => {
    const state: { signal?: AbortSignal; finished?: boolean } = {};
    const received: ThreadItem[][] = [];
    const { client, store } = await startChatKit({
      respond: pendingAssistant(['Partial'], state),
      handleStreamCancelled: (_thread, pending) => void received.push(pending),
    });
    const user = client();
    const { threadId } = await disconnectMidStream(user);
    await until(() => received.length === 1);
    expect(received[0]!.map((item) => item.id)).toEqual(['assistant-message-pending']);
    const items = await store.loadThreadItems(threadId, null, 10, 'asc', user.context);
    expect(items.data.map((item) => item.type)).toEqual(['user_message']);
  });
});

describe('a responder that fails halfway', () => {
  it('sends the error event; the thread stays loadable with the done items only, and can be continued', async () => {
    let turn = 0;
    const { client, logged } = await startChatKit({
      async *respond(thread) {
        turn += 1;
        if (turn > 1) {
          yield { type: 'thread.item.done', item: { type: 'assistant_message', id: 'second_answer', thread_id: thread.id, created_at: now(), content: [{ type: 'output_text', text: 'Fine now', annotations: [] }] } };
          return;
        }
        yield { type: 'thread.item.done', item: { type: 'assistant_message', id: 'complete_1', thread_id: thread.id, created_at: now(), content: [{ type: 'output_text', text: 'Done part', annotations: [] }] } };
        yield { type: 'thread.item.added', item: { type: 'assistant_message', id: 'half_written', thread_id: thread.id, created_at: now(), content: [] } };
        yield { type: 'thread.item.updated', item_id: 'half_written', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'Half' } };
        throw new Error('model connection reset');
      },
    });
    const user = client();
    const { events, threadId, status } = await user.createThread();
    expect(status).toBe(200);
    expect(events.at(-1)).toEqual({ type: 'error', code: 'stream.error', allow_retry: true });
    expect(logged.some((line) => line.includes('model connection reset'))).toBe(true);

    const thread = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(thread.json.items.data.map((item: { id: string }) => item.id).slice(1)).toEqual(['complete_1']); // never the half-written one

    const next = await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('Again') } });
    expect(next.events.at(-1)!.item.id).toBe('second_answer');
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    expect(items.json.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'assistant_message', 'user_message', 'assistant_message']);
  });

  it('a store failure while saving an item ends the stream with an error event, not a broken connection', async () => {
    const { MemoryStore } = await import('../../../src/server/chatkit/store/memory-store.js');
    class FlakyStore extends MemoryStore {
      override async addThreadItem(threadId: string, item: ThreadItem, context: { userId: string }) {
        if (item.id === 'boom') throw new Error('disk full');
        return super.addThreadItem(threadId, item, context);
      }
    }
    const { client } = await startChatKit({
      store: new FlakyStore(),
      async *respond(thread) {
        yield { type: 'thread.item.done', item: { type: 'assistant_message', id: 'boom', thread_id: thread.id, created_at: now(), content: [] } };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread();
    expect(events.at(-1)).toEqual({ type: 'error', code: 'stream.error', allow_retry: true });
    expect(events.some((event) => event.type === 'thread.item.done' && event.item.id === 'boom')).toBe(false); // not announced as saved
    const thread = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(thread.json.items.data.map((item: { type: string }) => item.type)).toEqual(['user_message']);
  });
});

describe('streaming transport', () => {
  it('flushes each event as it is produced (the first event arrives before the responder finishes)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = await startChatKit({
      async *respond() {
        yield { type: 'progress_update', text: 'first' };
        await gate;
        yield { type: 'progress_update', text: 'second' };
      },
    });
    const response = await client().send({ type: 'threads.create', params: { input: userInput('Hi') } });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.getSetCookie()[0]).toMatch(/^chatkit_user=/);
    const seen: string[] = [];
    for await (const event of readEvents(response)) {
      seen.push(event.type === 'progress_update' ? event.text : event.type);
      if (event.type === 'progress_update' && event.text === 'first') release();
    }
    expect(seen).toEqual(['thread.created', 'thread.item.done', 'stream_options', 'first', 'second']);
  });
});

describe('without the Node adapter (Workers, Deno, Bun)', () => {
  it('an aborted request.signal runs the cancel path even if nobody reads the body', async () => {
    const { createChatKitHandler } = await import('../../../src/server/chatkit/handler.js');
    const { MemoryStore } = await import('../../../src/server/chatkit/store/memory-store.js');
    const store = new MemoryStore();
    let produced = 0;
    const handler = createChatKitHandler({
      store,
      context: () => ({ userId: 'u1' }),
      async *respond(thread, _input, _context, { signal }) {
        yield { type: 'thread.item.added', item: { type: 'assistant_message', id: 'partial', thread_id: thread.id, created_at: now(), content: [] } };
        while (!signal.aborted) {
          produced += 1;
          yield { type: 'thread.item.updated', item_id: 'partial', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'x' } };
        }
      },
    });
    const controller = new AbortController();
    const response = await handler(
      new Request('http://localhost/api/chatkit', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'threads.create', params: { input: userInput('Hi') } }), signal: controller.signal }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    await until(() => produced > 0);
    const producedBeforeAbort = produced;
    expect(producedBeforeAbort).toBeLessThan(40); // back-pressure: an unread stream does not buffer without bound
    controller.abort();
    const context = { userId: 'u1' };
    const threads = await store.loadThreads(1, null, 'desc', context);
    const threadId = threads.data[0]!.id;
    await until(async () => (await store.loadThreadItems(threadId, null, 1, 'desc', context)).data[0]?.type === 'sdk_hidden_context');
    const partial = await store.loadItem(threadId, 'partial', context);
    expect(partial.type === 'assistant_message' && partial.content[0]!.text).toBe('x'.repeat(producedBeforeAbort));
  });
});

describe('Express and Connect', () => {
  it('streams behind express.json(), falls through for other paths, and flushes each event for compression middleware', async () => {
    const express = (await import('express')).default;
    const { createServer } = await import('node:http');
    const { listen } = await import('../../fixtures/listen.js');
    const { createChatKitHandler } = await import('../../../src/server/chatkit/handler.js');
    const { MemoryStore } = await import('../../../src/server/chatkit/store/memory-store.js');
    const { toNodeListener } = await import('../../../src/server/node-adapter.js');
    const { ChatKitClient, COOKIE_SECRET } = await import('./chatkit-client.js');

    let flushes = 0;
    const app = express();
    app.use((_req, res, next) => {
      (res as unknown as { flush: () => void }).flush = () => void (flushes += 1); // what compression() adds
      next();
    });
    app.use(express.json());
    app.use(
      toNodeListener(
        createChatKitHandler({
          store: new MemoryStore(),
          cookieSecret: COOKIE_SECRET,
          async *respond() {
            yield { type: 'progress_update', text: 'one' };
          },
        }),
      ),
    );
    app.get('/health', (_req, res) => void res.send('ok'));
    const server = await listen(createServer(app));
    try {
      const client = new ChatKitClient(`${server.url}/api/chatkit`);
      const { events } = await client.createThread();
      expect(events.map((event) => event.type)).toEqual(['thread.created', 'thread.item.done', 'stream_options', 'progress_update']);
      expect(flushes).toBeGreaterThanOrEqual(4);
      expect(await (await fetch(`${server.url}/health`)).text()).toBe('ok');
    } finally {
      await server.close();
    }
  });
});
