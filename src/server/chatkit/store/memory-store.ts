import type { Attachment, Page, ThreadItem, ThreadMetadata } from '../types.js';
import { checkLimit, checkOrder, createdAtMillis, fromDocument, toDocument, toPage } from './page.js';
import { NotFoundError, type Order, type Store, type StoreContext } from './store.js';

interface StoredThread {
  /** Order of first save: the tiebreaker between threads created in the same millisecond. */
  seq: number;
  createdAt: number;
  document: string;
  /** Item id → JSON document. A Map keeps insertion order, and replacing a key keeps its position. */
  items: Map<string, string>;
}

interface UserRecords {
  threads: Map<string, StoredThread>;
  attachments: Map<string, string>;
}

/** What a user with nothing saved sees; reads never create records, so unknown users cost no memory. */
const NO_RECORDS: UserRecords = Object.freeze({ threads: new Map(), attachments: new Map() });

/**
 * A store in this process's memory: for tests, demos and one-off scripts. Everything is gone when the process
 * ends, and several processes do not share it — use `SqliteStore` (one process, survives restarts) or
 * `PostgresStore` (several instances) in production. Records are stored as JSON copies, so it behaves like the
 * SQL stores: a caller mutating an object after saving it does not change what was saved.
 */
export class MemoryStore<TContext extends StoreContext = StoreContext> implements Store<TContext> {
  #users = new Map<string, UserRecords>();
  #nextSeq = 1;

  async loadThread(threadId: string, context: TContext): Promise<ThreadMetadata> {
    return fromDocument<ThreadMetadata>(this.#thread(threadId, context).document);
  }

  async saveThread(thread: ThreadMetadata, context: TContext): Promise<void> {
    const createdAt = createdAtMillis(thread.created_at, `thread ${thread.id}`);
    const threads = this.#user(context).threads;
    const existing = threads.get(thread.id);
    if (existing) {
      existing.createdAt = createdAt;
      existing.document = toDocument(thread);
    } else {
      threads.set(thread.id, { seq: this.#nextSeq++, createdAt, document: toDocument(thread), items: new Map() });
    }
  }

  async loadThreads(limit: number, after: string | null, order: Order, context: TContext): Promise<Page<ThreadMetadata>> {
    checkLimit(limit);
    checkOrder(order);
    const direction = order === 'asc' ? 1 : -1;
    const sorted = [...this.#find(context).threads.entries()].sort(
      ([, a], [, b]) => direction * (a.createdAt - b.createdAt || a.seq - b.seq),
    );
    const ids = sorted.map(([id]) => id);
    const start = after === null ? 0 : this.#indexAfter(ids, after, `Thread ${after} not found`);
    const slice = sorted.slice(start, start + limit + 1).map(([, stored]) => fromDocument<ThreadMetadata>(stored.document));
    return toPage(slice, limit);
  }

  async deleteThread(threadId: string, context: TContext): Promise<void> {
    this.#find(context).threads.delete(threadId);
  }

  async loadThreadItems(threadId: string, after: string | null, limit: number, order: Order, context: TContext): Promise<Page<ThreadItem>> {
    checkLimit(limit);
    checkOrder(order);
    const entries = [...this.#thread(threadId, context).items.entries()];
    if (order === 'desc') entries.reverse();
    const start = after === null ? 0 : this.#indexAfter(entries.map(([id]) => id), after, `Item ${after} not found in thread ${threadId}`);
    return toPage(entries.slice(start, start + limit + 1).map(([, document]) => fromDocument<ThreadItem>(document)), limit);
  }

  async addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    const items = this.#thread(threadId, context).items;
    if (items.has(item.id)) {
      throw new Error(`Item ${item.id} already exists in thread ${threadId}; use saveItem to replace it`);
    }
    createdAtMillis(item.created_at, `item ${item.id}`);
    items.set(item.id, toDocument(item));
  }

  async saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    createdAtMillis(item.created_at, `item ${item.id}`);
    this.#thread(threadId, context).items.set(item.id, toDocument(item));
  }

  async loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem> {
    const document = this.#thread(threadId, context).items.get(itemId);
    if (document === undefined) throw new NotFoundError(`Item ${itemId} not found in thread ${threadId}`);
    return fromDocument<ThreadItem>(document);
  }

  async deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void> {
    this.#find(context).threads.get(threadId)?.items.delete(itemId);
  }

  async saveAttachment(attachment: Attachment, context: TContext): Promise<void> {
    this.#user(context).attachments.set(attachment.id, toDocument(attachment));
  }

  async loadAttachment(attachmentId: string, context: TContext): Promise<Attachment> {
    const document = this.#find(context).attachments.get(attachmentId);
    if (document === undefined) throw new NotFoundError(`Attachment ${attachmentId} not found`);
    return fromDocument<Attachment>(document);
  }

  async deleteAttachment(attachmentId: string, context: TContext): Promise<void> {
    this.#find(context).attachments.delete(attachmentId);
  }

  async close(): Promise<void> {
    this.#users.clear();
  }

  #find(context: TContext): UserRecords {
    return this.#users.get(context.userId) ?? NO_RECORDS;
  }

  #user(context: TContext): UserRecords {
    let records = this.#users.get(context.userId);
    if (!records) {
      records = { threads: new Map(), attachments: new Map() };
      this.#users.set(context.userId, records);
    }
    return records;
  }

  #thread(threadId: string, context: TContext): StoredThread {
    const thread = this.#find(context).threads.get(threadId);
    if (!thread) throw new NotFoundError(`Thread ${threadId} not found`);
    return thread;
  }

  /** Index just past the cursor `after` in `ids`. */
  #indexAfter(ids: string[], after: string, notFound: string): number {
    const index = ids.indexOf(after);
    if (index === -1) throw new NotFoundError(notFound);
    return index + 1;
  }
}
