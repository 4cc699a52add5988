/**
 * Without a `store` option the handler opens `.chatkit/chatkit.db` (SqliteStore) in the working directory at the
 * first request; threads survive a new handler (a restart) on the same file.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChatKitHandler } from '../../../src/server/chatkit/handler.js';
import type { ChatKitHandler } from '../../../src/server/chatkit/handler.js';
import { userInput } from './chatkit-client.js';

let dir: string;
let cwd: string;
beforeEach(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'managed-chatkit-default-store-'));
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

async function post(handler: ChatKitHandler, body: unknown): Promise<Response> {
  return handler(new Request('http://localhost/api/chatkit', { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: '' }, body: JSON.stringify(body) }));
}

describe('default store', () => {
  it('is SqliteStore(.chatkit/chatkit.db), created lazily, and keeps threads across handler instances', async () => {
    const options = {
      context: () => ({ userId: 'user-1' }),
      async *respond(thread: { id: string }) {
        yield { type: 'thread.item.done' as const, item: { type: 'assistant_message' as const, id: 'a1', thread_id: thread.id, created_at: new Date().toISOString(), content: [{ type: 'output_text' as const, text: 'Hi', annotations: [] }] } };
      },
    };
    const first = createChatKitHandler(options);
    expect(existsSync(join(dir, '.chatkit'))).toBe(false); // nothing opened at creation
    const created = await post(first, { type: 'threads.create', params: { input: userInput('Hello') } });
    const text = await created.text();
    const threadId = JSON.parse(text.split('\n\n')[0]!.slice(6)).thread.id as string;
    expect(existsSync(join(dir, '.chatkit', 'chatkit.db'))).toBe(true);

    const second = createChatKitHandler(options); // a restarted server on the same file
    const thread = await (await post(second, { type: 'threads.get_by_id', params: { thread_id: threadId } })).json();
    expect(thread.items.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'assistant_message']);
    await first.close(); // closes the store the handler opened
    await second.close();
    await second.close(); // idempotent
  });
});
