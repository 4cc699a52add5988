import { randomBytes } from 'node:crypto';
import type { Attachment, Page, ThreadItem, ThreadMetadata } from '../types.js';

/**
 * What every store call receives: the request's context. Stores scope every read and write to `userId`,
 * so one user can never read, list, change or delete another user's threads, items or attachments.
 */
export interface StoreContext {
  userId: string;
}

/** The kinds of record a store makes ids for, and their prefixes (`_ID_PREFIXES` in chatkit-python's store.py). */
export type StoreItemType = 'thread' | 'message' | 'tool_call' | 'task' | 'workflow' | 'attachment' | 'sdk_hidden_context';

const ID_PREFIXES: Record<StoreItemType, string> = {
  thread: 'thr',
  message: 'msg',
  tool_call: 'tc',
  workflow: 'wf',
  task: 'tsk',
  attachment: 'atc',
  sdk_hidden_context: 'shcx',
};

/**
 * A new unguessable id with the Python SDK's prefix (`thr_…`, `msg_…`). The Python SDK uses 8 hex digits;
 * ids here carry 128 random bits so that knowing one id tells nothing about another.
 */
export function defaultGenerateId(type: StoreItemType): string {
  return `${ID_PREFIXES[type]}_${randomBytes(16).toString('hex')}`;
}

/** Thrown by a store when a thread, item or attachment does not exist for this user (answered as 404). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * Thrown by a store when its database cannot serve the call right now: connection refused, connection lost
 * mid-operation, a statement timeout, a database file locked for too long. Nothing of the failed call was
 * written (every write is one transaction). The handler answers it as a 503 / `error` event; the next call
 * tries again, so the store recovers by itself once the database is back. `cause` is the driver's error.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Sort order of a listing. */
export type Order = 'asc' | 'desc';

/**
 * Where threads, items and attachments live — the TypeScript form of chatkit-python's `Store`.
 * Every method is scoped to `context.userId`: a record of another user is `NotFoundError`, never a 403.
 *
 * Pagination: `after` is the id of the last record of the previous page (exclusive), `order` sorts by creation
 * (threads by `created_at`, then the order they were first saved; items in the order they were added — not by
 * their `created_at`). `has_more` says whether a next page exists; the page's `after` is then its last id
 * (else null). An `after` id that does not exist for this user is a `NotFoundError`; `limit` must be ≥ 1.
 *
 * Differences from chatkit-python's store semantics, on purpose: `loadThreadItems`, `addThreadItem` and
 * `saveItem` on a thread that does not exist for this user throw `NotFoundError` (Python lists an empty page and
 * writes the item), so one user can never list or post into another user's thread. Deletes of records that do not
 * exist are no-ops (as in Python), so a retried delete succeeds.
 */
export interface Store<TContext extends StoreContext = StoreContext> {
  /** A new thread id. Optional: the default is {@link defaultGenerateId}('thread'). */
  generateThreadId?(context: TContext): string;
  /** A new item id. Optional: the default is {@link defaultGenerateId}(type). */
  generateItemId?(type: StoreItemType, thread: ThreadMetadata, context: TContext): string;

  loadThread(threadId: string, context: TContext): Promise<ThreadMetadata>;
  /** Insert or update the thread's metadata (title, status, metadata). */
  saveThread(thread: ThreadMetadata, context: TContext): Promise<void>;
  loadThreads(limit: number, after: string | null, order: Order, context: TContext): Promise<Page<ThreadMetadata>>;
  /** Delete a thread with all its items. */
  deleteThread(threadId: string, context: TContext): Promise<void>;

  loadThreadItems(threadId: string, after: string | null, limit: number, order: Order, context: TContext): Promise<Page<ThreadItem>>;
  /**
   * Append a new item at the end of the thread (order of arrival is kept, also across processes).
   * An item with the same id already in the thread is an error (use `saveItem` to replace it).
   */
  addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void>;
  /** Insert or replace an item by id, keeping its position when it exists. */
  saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void>;
  loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem>;
  deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void>;

  /** Insert or update attachment metadata. */
  saveAttachment(attachment: Attachment, context: TContext): Promise<void>;
  loadAttachment(attachmentId: string, context: TContext): Promise<Attachment>;
  deleteAttachment(attachmentId: string, context: TContext): Promise<void>;

  /** Release connections or file handles. Optional. */
  close?(): Promise<void>;
}
