/**
 * One behaviour suite for every `Store`: chatkit-python's tests/test_store.py rewritten for our API, plus
 * pagination edge cases, user isolation, `saveItem` keeping position and concurrent appends.
 * `describeStore(name, open)` registers it; `open()` makes (or returns) the store under test once per suite.
 * Each test runs as a fresh pair of users, so one store instance serves the whole suite.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, type Store, type StoreContext } from '../../../src/server/chatkit/store/store.js';
import type { AssistantMessageItem, Attachment, ThreadMetadata, UserMessageItem, WidgetItem } from '../../../src/server/chatkit/types.js';

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export function makeThread(id = 'test_thread', createdAt = at(0), title: string | null = 'Test Thread'): ThreadMetadata {
  return { id, title, created_at: createdAt, status: { type: 'active' }, metadata: { test: 'test' } };
}

export function userMessage(id: string, threadId: string, text: string, createdAt = at(0)): UserMessageItem {
  return {
    id,
    thread_id: threadId,
    created_at: createdAt,
    type: 'user_message',
    content: [{ type: 'input_text', text }],
    attachments: [],
    quoted_text: null,
    inference_options: { tool_choice: null, model: null },
  };
}

/** The three items of test_store.py's make_thread_items: a user message with a file, an answer, a widget. */
function makeThreadItems(threadId = 'test_thread'): [UserMessageItem, AssistantMessageItem, WidgetItem] {
  return [
    {
      ...userMessage('msg_100000', threadId, 'Hello!', at(0)),
      attachments: [{ id: 'file_1', type: 'file', mime_type: 'text/plain', name: 'test.txt', metadata: { source: 'test' } }],
    },
    {
      id: 'msg_000001',
      thread_id: threadId,
      created_at: at(1),
      type: 'assistant_message',
      content: [{ type: 'output_text', text: 'Hi there!', annotations: [] }],
    },
    {
      id: 'widget_1',
      thread_id: threadId,
      created_at: at(2),
      type: 'widget',
      widget: {
        type: 'Card',
        children: [
          {
            type: 'Col',
            padding: { x: 4, y: 3 },
            border: { bottom: 1 },
            children: [
              { type: 'Text', value: 'Title', weight: 'medium', size: 'sm', color: 'secondary' },
              { type: 'Text', value: 'test' },
            ],
          },
        ],
      },
      copy_text: null,
    },
  ];
}

const ids = (page: { data: { id: string }[] }) => page.data.map((record) => record.id);

export function describeStore(name: string, open: () => Promise<Store>, close?: () => Promise<void>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    /** The user every test acts as, and a second user who must never see the first one's records. */
    let user: StoreContext;
    let other: StoreContext;

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await close?.();
    });
    beforeEach(() => {
      user = { userId: `user_${randomUUID()}` };
      other = { userId: `other_${randomUUID()}` };
    });

    async function addItems(threadId: string, count: number, start = 0): Promise<string[]> {
      const added: string[] = [];
      for (let i = start; i < start + count; i++) {
        await store.addThreadItem(threadId, userMessage(`msg${i}`, threadId, String(i), at(i)), user);
        added.push(`msg${i}`);
      }
      return added;
    }

    describe('threads', () => {
      it('saves and loads thread metadata', async () => {
        const thread = makeThread();
        await store.saveThread(thread, user);
        expect(await store.loadThread(thread.id, user)).toEqual(thread);
      });

      it('keeps a null title', async () => {
        await store.saveThread(makeThread('test_thread', at(0), null), user);
        const loaded = await store.loadThread('test_thread', user);
        expect(loaded.title).toBeNull();
        expect(loaded.metadata).toEqual({ test: 'test' });
      });

      it('updates thread metadata in place (title, status, metadata) without moving it in the listing', async () => {
        await store.saveThread(makeThread('a', at(0)), user);
        await store.saveThread(makeThread('b', at(1)), user);
        await store.saveThread({ ...makeThread('a', at(0)), title: 'Updated Title', status: { type: 'locked', reason: 'x' }, metadata: { n: 2 } }, user);
        const loaded = await store.loadThread('a', user);
        expect(loaded.title).toBe('Updated Title');
        expect(loaded.status).toEqual({ type: 'locked', reason: 'x' });
        expect(loaded.metadata).toEqual({ n: 2 });
        expect(ids(await store.loadThreads(10, null, 'asc', user))).toEqual(['a', 'b']);
      });

      it('an unknown thread is a NotFoundError', async () => {
        await expect(store.loadThread('thr_missing', user)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('pages threads by created_at with an after cursor (test_load_threads)', async () => {
        for (const [id, second] of [['thread1', 0], ['thread2', 1], ['thread3', 2]] as const) {
          await store.saveThread(makeThread(id, at(second)), user);
        }
        const page1 = await store.loadThreads(2, null, 'asc', user);
        expect(ids(page1)).toEqual(['thread1', 'thread2']);
        expect(page1.has_more).toBe(true);
        expect(page1.after).toBe('thread2');
        const page2 = await store.loadThreads(2, page1.after, 'asc', user);
        expect(ids(page2)).toEqual(['thread3']);
        expect(page2.has_more).toBe(false);
        expect(page2.after).toBeNull();
      });

      it('lists threads newest first in desc order, by created_at and not by save order', async () => {
        await store.saveThread(makeThread('late', at(5)), user);
        await store.saveThread(makeThread('early', at(1)), user);
        await store.saveThread(makeThread('middle', at(3)), user);
        expect(ids(await store.loadThreads(10, null, 'desc', user))).toEqual(['late', 'middle', 'early']);
        const first = await store.loadThreads(1, null, 'desc', user);
        const second = await store.loadThreads(1, first.after, 'desc', user);
        expect([...ids(first), ...ids(second)]).toEqual(['late', 'middle']);
        expect(second.has_more).toBe(true);
      });

      it('breaks created_at ties by save order, stably across pages in both orders', async () => {
        const names = ['t1', 't2', 't3', 't4', 't5'];
        for (const id of names) await store.saveThread(makeThread(id, at(0)), user);
        for (const order of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let after: string | null = null;
          do {
            const page = await store.loadThreads(2, after, order, user);
            seen.push(...ids(page));
            after = page.after;
          } while (after);
          expect(seen).toEqual(order === 'asc' ? names : [...names].reverse());
        }
      });

      it('has_more is false when the last page is exactly full', async () => {
        await store.saveThread(makeThread('a', at(0)), user);
        await store.saveThread(makeThread('b', at(1)), user);
        const page = await store.loadThreads(2, null, 'asc', user);
        expect(ids(page)).toEqual(['a', 'b']);
        expect(page.has_more).toBe(false);
        expect(page.after).toBeNull();
        expect(await store.loadThreads(5, 'b', 'asc', user)).toEqual({ data: [], has_more: false, after: null });
      });

      it('an empty listing is an empty page', async () => {
        expect(await store.loadThreads(20, null, 'desc', user)).toEqual({ data: [], has_more: false, after: null });
      });

      it('an unknown after cursor is a NotFoundError, a limit below 1 a RangeError', async () => {
        await expect(store.loadThreads(5, 'thr_missing', 'asc', user)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.loadThreads(0, null, 'asc', user)).rejects.toBeInstanceOf(RangeError);
        await expect(store.loadThreads(1.5, null, 'asc', user)).rejects.toBeInstanceOf(RangeError);
      });

      it('refuses a thread whose created_at is no date, naming the field', async () => {
        await expect(store.saveThread({ ...makeThread(), created_at: 'yesterday' }, user)).rejects.toThrow(/created_at/);
        await expect(store.loadThread('test_thread', user)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('deletes a thread with all its items; a new thread with the same id starts empty', async () => {
        await store.saveThread(makeThread(), user);
        await addItems('test_thread', 3);
        await store.deleteThread('test_thread', user);
        await expect(store.loadThread('test_thread', user)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.loadItem('test_thread', 'msg0', user)).rejects.toBeInstanceOf(NotFoundError);
        await store.saveThread(makeThread(), user);
        expect((await store.loadThreadItems('test_thread', null, 10, 'asc', user)).data).toEqual([]);
        await store.deleteThread('thr_never_existed', user);
      });
    });

    describe('items', () => {
      beforeEach(async () => {
        await store.saveThread(makeThread(), user);
      });

      it('saves and loads thread items as they were given (test_save_and_load_thread_items)', async () => {
        const items = makeThreadItems();
        for (const item of items) await store.addThreadItem('test_thread', item, user);
        expect((await store.loadThreadItems('test_thread', null, 10, 'asc', user)).data).toEqual(items);
      });

      it('orders items by addition in both orders, not by created_at', async () => {
        await store.addThreadItem('test_thread', userMessage('msg1', 'test_thread', 'A', at(2)), user);
        await store.addThreadItem('test_thread', userMessage('msg2', 'test_thread', 'B', at(1)), user);
        await store.addThreadItem('test_thread', userMessage('msg3', 'test_thread', 'C', at(1)), user);
        expect(ids(await store.loadThreadItems('test_thread', null, 3, 'asc', user))).toEqual(['msg1', 'msg2', 'msg3']);
        expect(ids(await store.loadThreadItems('test_thread', null, 3, 'desc', user))).toEqual(['msg3', 'msg2', 'msg1']);
      });

      it('pages items after a cursor (test_thread_items_offset)', async () => {
        await addItems('test_thread', 5);
        const after = await store.loadThreadItems('test_thread', 'msg1', 3, 'asc', user);
        expect(ids(after)).toEqual(['msg2', 'msg3', 'msg4']);
        expect(after.has_more).toBe(false);
        expect(after.after).toBeNull();
        const limited = await store.loadThreadItems('test_thread', null, 2, 'asc', user);
        expect(ids(limited)).toEqual(['msg0', 'msg1']);
        expect(limited.has_more).toBe(true);
        expect(limited.after).toBe('msg1');
        const backwards = await store.loadThreadItems('test_thread', 'msg3', 2, 'desc', user);
        expect(ids(backwards)).toEqual(['msg2', 'msg1']);
        expect(backwards.has_more).toBe(true);
        expect(backwards.after).toBe('msg1');
      });

      it('walks every page in both orders and sees each item exactly once', async () => {
        const added = await addItems('test_thread', 23);
        for (const order of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let after: string | null = null;
          let pages = 0;
          do {
            const page = await store.loadThreadItems('test_thread', after, 5, order, user);
            expect(page.data.length).toBeLessThanOrEqual(5);
            seen.push(...ids(page));
            after = page.after;
            pages++;
          } while (after);
          expect(pages).toBe(5);
          expect(seen).toEqual(order === 'asc' ? added : [...added].reverse());
        }
      });

      it('an unknown item cursor is a NotFoundError, a limit below 1 a RangeError', async () => {
        await addItems('test_thread', 2);
        await expect(store.loadThreadItems('test_thread', 'msg_missing', 5, 'asc', user)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.loadThreadItems('test_thread', null, 0, 'asc', user)).rejects.toBeInstanceOf(RangeError);
      });

      it('saveItem replaces an item in place, keeping its position (test_save_and_load_item)', async () => {
        const [userMsg, assistant, widget] = makeThreadItems();
        for (const item of [userMsg, assistant, widget]) await store.addThreadItem('test_thread', item, user);
        const edited: AssistantMessageItem = { ...assistant, content: [{ type: 'output_text', text: 'This is an assistant message.', annotations: [] }] };
        await store.saveItem('test_thread', edited, user);
        expect(await store.loadItem('test_thread', assistant.id, user)).toEqual(edited);
        expect(ids(await store.loadThreadItems('test_thread', null, 10, 'asc', user))).toEqual([userMsg.id, assistant.id, widget.id]);
        await store.saveItem('test_thread', widget, user);
        expect(await store.loadItem('test_thread', widget.id, user)).toEqual(widget);
      });

      it('saveItem with a new id appends it at the end', async () => {
        await addItems('test_thread', 2);
        await store.saveItem('test_thread', userMessage('msg_new', 'test_thread', 'new'), user);
        expect(ids(await store.loadThreadItems('test_thread', null, 10, 'asc', user))).toEqual(['msg0', 'msg1', 'msg_new']);
      });

      it('adding an item id twice to a thread is refused and leaves the first one', async () => {
        await addItems('test_thread', 1);
        await expect(store.addThreadItem('test_thread', userMessage('msg0', 'test_thread', 'again'), user)).rejects.toThrow(/msg0/);
        const page = await store.loadThreadItems('test_thread', null, 10, 'asc', user);
        expect(page.data).toEqual([userMessage('msg0', 'test_thread', '0', at(0))]);
      });

      it('an unknown item is a NotFoundError (test_load_nonexistent_item)', async () => {
        await expect(store.loadItem('test_thread', 'does_not_exist', user)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('items of an unknown thread: listing, adding and saving are NotFoundErrors', async () => {
        await expect(store.loadThreadItems('thr_missing', null, 10, 'asc', user)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.addThreadItem('thr_missing', userMessage('m', 'thr_missing', 'x'), user)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.saveItem('thr_missing', userMessage('m', 'thr_missing', 'x'), user)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('deletes one item and leaves the others in order; deleting it again is a no-op', async () => {
        await addItems('test_thread', 3);
        await store.deleteThreadItem('test_thread', 'msg1', user);
        await store.deleteThreadItem('test_thread', 'msg1', user);
        expect(ids(await store.loadThreadItems('test_thread', null, 10, 'asc', user))).toEqual(['msg0', 'msg2']);
        await expect(store.loadItem('test_thread', 'msg1', user)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('stores a copy: changing an object after saving or loading it does not change the store', async () => {
        const item = userMessage('msg0', 'test_thread', 'original');
        await store.addThreadItem('test_thread', item, user);
        item.content[0]!.text = 'mutated';
        const loaded = (await store.loadItem('test_thread', 'msg0', user)) as UserMessageItem;
        expect(loaded.content[0]!.text).toBe('original');
        loaded.content[0]!.text = 'mutated again';
        expect(((await store.loadItem('test_thread', 'msg0', user)) as UserMessageItem).content[0]!.text).toBe('original');
      });

      it('keeps every one of many concurrent appends, in one stable order', async () => {
        const count = 40;
        await Promise.all(
          Array.from({ length: count }, (_, i) => store.addThreadItem('test_thread', userMessage(`c${i}`, 'test_thread', String(i)), user)),
        );
        const asc = ids(await store.loadThreadItems('test_thread', null, 100, 'asc', user));
        expect(new Set(asc).size).toBe(count);
        expect(ids(await store.loadThreadItems('test_thread', null, 100, 'desc', user))).toEqual([...asc].reverse());
        const firstHalf = await store.loadThreadItems('test_thread', null, 20, 'asc', user);
        const secondHalf = await store.loadThreadItems('test_thread', firstHalf.after, 20, 'asc', user);
        expect([...ids(firstHalf), ...ids(secondHalf)]).toEqual(asc);
        expect(secondHalf.has_more).toBe(false);
      });
    });

    describe('attachments', () => {
      it('saves and loads a file attachment (test_save_and_load_file)', async () => {
        const file: Attachment = { id: 'file_1', type: 'file', mime_type: 'text/plain', name: 'test.txt' };
        await store.saveAttachment(file, user);
        expect(await store.loadAttachment('file_1', user)).toEqual(file);
      });

      it('saves, updates and loads an image attachment (test_save_and_load_image)', async () => {
        const image: Attachment = {
          id: 'image_1',
          type: 'image',
          mime_type: 'image/png',
          name: 'test.png',
          preview_url: 'https://example.com/test.png',
          metadata: { source: 'test' },
        };
        await store.saveAttachment({ ...image, name: 'first.png' }, user);
        await store.saveAttachment(image, user);
        expect(await store.loadAttachment('image_1', user)).toEqual(image);
      });

      it('deletes an attachment; an unknown one is a NotFoundError', async () => {
        await store.saveAttachment({ id: 'atc_1', type: 'file', mime_type: 'text/plain', name: 'a.txt' }, user);
        await store.deleteAttachment('atc_1', user);
        await store.deleteAttachment('atc_1', user);
        await expect(store.loadAttachment('atc_1', user)).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('user isolation', () => {
      it("another user can't load the thread (test_thread_isolation_by_user)", async () => {
        await store.saveThread(makeThread('user1_thread'), user);
        expect((await store.loadThread('user1_thread', user)).title).toBe('Test Thread');
        await expect(store.loadThread('user1_thread', other)).rejects.toBeInstanceOf(NotFoundError);
      });

      it("another user can't list, read, post to, replace or page the thread's items (test_thread_items_isolation_by_user)", async () => {
        await store.saveThread(makeThread('shared_thread'), user);
        const items = makeThreadItems('shared_thread');
        for (const item of items) await store.addThreadItem('shared_thread', item, user);
        await expect(store.loadThreadItems('shared_thread', null, 10, 'asc', other)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.loadItem('shared_thread', items[0].id, other)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.addThreadItem('shared_thread', userMessage('intruder', 'shared_thread', 'x'), other)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.saveItem('shared_thread', { ...items[0], content: [] }, other)).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.loadThreadItems('shared_thread', null, 10, 'asc', user)).data).toEqual(items);
      });

      it("another user's listing, delete and same-id save never touch the thread", async () => {
        await store.saveThread(makeThread('mine'), user);
        await addItems('mine', 2);
        expect(await store.loadThreads(10, null, 'asc', other)).toEqual({ data: [], has_more: false, after: null });
        await expect(store.loadThreads(10, 'mine', 'asc', other)).rejects.toBeInstanceOf(NotFoundError);
        await store.deleteThread('mine', other);
        await store.deleteThreadItem('mine', 'msg0', other);
        await store.saveThread({ ...makeThread('mine'), title: 'theirs' }, other);
        expect((await store.loadThread('mine', user)).title).toBe('Test Thread');
        expect((await store.loadThread('mine', other)).title).toBe('theirs');
        expect(ids(await store.loadThreadItems('mine', null, 10, 'asc', user))).toEqual(['msg0', 'msg1']);
        expect((await store.loadThreadItems('mine', null, 10, 'asc', other)).data).toEqual([]);
      });

      it("another user can't load, overwrite or delete the attachment", async () => {
        const file: Attachment = { id: 'atc_private', type: 'file', mime_type: 'text/plain', name: 'secret.txt' };
        await store.saveAttachment(file, user);
        await expect(store.loadAttachment('atc_private', other)).rejects.toBeInstanceOf(NotFoundError);
        await store.deleteAttachment('atc_private', other);
        await store.saveAttachment({ ...file, name: 'theirs.txt' }, other);
        expect(await store.loadAttachment('atc_private', user)).toEqual(file);
      });
    });
  });
}
