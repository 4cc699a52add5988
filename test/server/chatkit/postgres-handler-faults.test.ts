/**
 * Database faults as the client sees them (issue 11 point 3): createChatKitHandler on a PostgresStore whose
 * server refuses connections, or goes away mid-stream — a 503 or an `error` event, no crash, nothing half-written,
 * and the next request after the database returns works.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/server/chatkit/store/postgres-store.js';
import type { AssistantMessageItem } from '../../../src/server/chatkit/types.js';
import { startPostgresCluster, type PostgresCluster } from '../../fixtures/postgres-cluster.js';
import { now, readEvents, startChatKit, userInput, type WireEvent } from './chatkit-client.js';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});

describe('createChatKitHandler on PostgreSQL with faults', () => {
  it('refusing connections: 503 with Retry-After, the cause logged with host:port; the next request after it returns works', async () => {
    const store = new PostgresStore(await cluster.createDatabase('refused_http'), { connectTimeoutMs: 1000 });
    await cluster.stop();
    try {
      const { client, logged } = await startChatKit({ store });
      const user = client();
      const refused = await user.post({ type: 'threads.list', params: {} });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.json.error).toMatch(/store is unavailable/);
      expect(logged.join('\n')).toMatch(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${cluster.port} refused the connection`));
      await cluster.start();
      const listed = await user.post({ type: 'threads.list', params: {} });
      expect(listed.status).toBe(200);
      expect(listed.json.data).toEqual([]);
    } finally {
      await cluster.start();
      await store.close();
    }
  });

  it('the database going away mid-stream: an error event ends the stream, no half-written item, the thread continues afterwards', async () => {
    const store = new PostgresStore(await cluster.createDatabase('midstream'), { connectTimeoutMs: 1000 });
    let release!: () => void;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = await startChatKit({
      store,
      async *respond(thread, _input, _context, { generateId }) {
        const item: AssistantMessageItem = { type: 'assistant_message', id: generateId('message'), thread_id: thread.id, created_at: now(), content: [] };
        yield { type: 'thread.item.added', item };
        await gate;
        yield { type: 'thread.item.done', item: { ...item, content: [{ type: 'output_text', text: 'answer', annotations: [] }] } };
      },
    });
    const user = client();
    const response = await user.send({ type: 'threads.create', params: { input: userInput('question') } });
    expect(response.status).toBe(200);
    const events: WireEvent[] = [];
    let threadId = '';
    try {
      for await (const event of readEvents(response)) {
        events.push(event);
        if (event.type === 'thread.created') threadId = event.thread.id;
        if (event.type === 'thread.item.added' && event.item.type === 'assistant_message') {
          await cluster.stop();
          release();
        }
      }
    } finally {
      await cluster.start();
    }
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'stream.error', allow_retry: true });
    expect(events.some((event) => event.type === 'thread.item.done' && event.item.type === 'assistant_message')).toBe(false);

    gate = Promise.resolve();
    const read = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(read.status).toBe(200);
    expect(read.json.items.data.map((item: { type: string }) => item.type)).toEqual(['user_message']);
    const continued = await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('again') } });
    expect(continued.events.filter((event) => event.type === 'thread.item.done').map((event) => event.item.type)).toEqual(['user_message', 'assistant_message']);
    const after = await user.post({ type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    expect(after.json.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'user_message', 'assistant_message']);
    await store.close();
  });

  it('a slow database: the request ends at statementTimeoutMs with a 503, nothing written, then works', async () => {
    const url = await cluster.createDatabase('slow_http');
    const store = new PostgresStore(url, { statementTimeoutMs: 300 });
    const { client } = await startChatKit({
      store,
      async *respond(thread, _input, _context, { generateId }) {
        const content = [{ type: 'output_text' as const, text: 'answer', annotations: [] }];
        yield { type: 'thread.item.done', item: { type: 'assistant_message', id: generateId('message'), thread_id: thread.id, created_at: now(), content } };
      },
    });
    const user = client();
    const { threadId } = await user.createThread('first');
    const blocker = new pg.Client(url);
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select 1 from chatkit_threads where id = $1 for update', [threadId]);
    const started = Date.now();
    const slow = await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('blocked') } });
    const waited = Date.now() - started;
    await blocker.query('rollback');
    await blocker.end();
    expect(waited).toBeLessThan(3000);
    // Saving the user message waits on the lock before the stream starts: a refusal, not a broken stream.
    expect(slow.status).toBe(503);
    expect(slow.headers.get('retry-after')).toBe('5');
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    expect(items.json.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'assistant_message']);
    const again = await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('unblocked') } });
    expect(again.events.some((event) => event.type === 'error')).toBe(false);
    await store.close();
  });
});
