import type { Kysely, Transaction } from 'kysely';
import type { Attachment, Page, ThreadItem, ThreadMetadata } from '../types.js';
import { checkLimit, checkOrder, createdAtMillis, fromDocument, toDocument, toPage } from './page.js';
import { migrate, type ChatKitDatabase, type SqlDialectName } from './schema.js';
import { NotFoundError, type Order, type Store, type StoreContext } from './store.js';

/** What differs between the SQL dialects; everything else is one Kysely query layer. */
export interface SqlDialectSetup {
  readonly name: SqlDialectName;
  /**
   * The Kysely instance; its driver is loaded on first use. A transaction that is not 'read only' must take the
   * write lock up front (SQLite: `BEGIN IMMEDIATE`), so two writers never deadlock upgrading a read lock.
   */
  readonly db: Kysely<ChatKitDatabase>;
  /** `SELECT … FOR UPDATE` exists (PostgreSQL). In SQLite, `BEGIN IMMEDIATE` already serialises writers. */
  readonly rowLocks: boolean;
  /** Run first in the migration transaction so instances starting at once migrate one after the other. */
  lockForMigration(tx: Transaction<ChatKitDatabase>): Promise<void>;
  /** The driver's error as the store's error (`StoreUnavailableError` when the database can't serve the call). */
  translateError(error: unknown): unknown;
  /** Release what the store opened (not a pool the application passed in). */
  destroy(): Promise<void>;
}

type Tx = Transaction<ChatKitDatabase>;

/**
 * The `Store` over SQL, shared by `SqliteStore` and `PostgresStore`. Records are JSON documents next to the
 * columns queries use; every query filters by `user_id`. Every write is one transaction, so a failed call leaves
 * nothing half-written. The schema is migrated on first use (again on the next call if that failed).
 */
export abstract class SqlStore<TContext extends StoreContext = StoreContext> implements Store<TContext> {
  readonly #setup: SqlDialectSetup;
  #ready: Promise<void> | undefined;
  #closed = false;

  protected constructor(setup: SqlDialectSetup) {
    this.#setup = setup;
  }

  /**
   * Opens the database and applies pending migrations now instead of on the first call — to fail at start-up
   * rather than on the first request. Returns the schema versions applied (empty when current).
   */
  async migrate(): Promise<number[]> {
    let applied: number[] = [];
    this.#ready ??= this.#run(async () => {
      applied = await migrate(this.#setup.db, this.#setup.name, this.#setup.lockForMigration);
    }).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    return applied;
  }

  async loadThread(threadId: string, context: TContext): Promise<ThreadMetadata> {
    return this.#use(async (db) => {
      const row = await db.selectFrom('chatkit_threads').select('data').where('user_id', '=', context.userId).where('id', '=', threadId).executeTakeFirst();
      if (!row) throw new NotFoundError(`Thread ${threadId} not found`);
      return fromDocument<ThreadMetadata>(row.data);
    });
  }

  async saveThread(thread: ThreadMetadata, context: TContext): Promise<void> {
    const createdAt = createdAtMillis(thread.created_at, `thread ${thread.id}`);
    const data = toDocument(thread);
    await this.#use((db) =>
      db
        .insertInto('chatkit_threads')
        .values({ user_id: context.userId, id: thread.id, created_at: createdAt, data })
        .onConflict((conflict) => conflict.columns(['user_id', 'id']).doUpdateSet({ created_at: createdAt, data }))
        .execute(),
    );
  }

  async loadThreads(limit: number, after: string | null, order: Order, context: TContext): Promise<Page<ThreadMetadata>> {
    checkLimit(limit);
    checkOrder(order);
    return this.#use(async (db) => {
      const cursor =
        after === null
          ? undefined
          : await db.selectFrom('chatkit_threads').select(['created_at', 'seq']).where('user_id', '=', context.userId).where('id', '=', after).executeTakeFirst();
      if (after !== null && !cursor) throw new NotFoundError(`Thread ${after} not found`);
      const rows = await db
        .selectFrom('chatkit_threads')
        .select(['id', 'data'])
        .where('user_id', '=', context.userId)
        .$if(cursor !== undefined, (query) =>
          query.where((eb) => eb(eb.refTuple('created_at', 'seq'), order === 'asc' ? '>' : '<', eb.tuple(cursor!.created_at, cursor!.seq))),
        )
        .orderBy('created_at', order)
        .orderBy('seq', order)
        .limit(limit + 1)
        .execute();
      return toPage(rows.map((row) => fromDocument<ThreadMetadata>(row.data)), limit);
    });
  }

  async deleteThread(threadId: string, context: TContext): Promise<void> {
    await this.#write(async (tx) => {
      await tx.deleteFrom('chatkit_items').where('user_id', '=', context.userId).where('thread_id', '=', threadId).execute();
      await tx.deleteFrom('chatkit_threads').where('user_id', '=', context.userId).where('id', '=', threadId).execute();
    });
  }

  async loadThreadItems(threadId: string, after: string | null, limit: number, order: Order, context: TContext): Promise<Page<ThreadItem>> {
    checkLimit(limit);
    checkOrder(order);
    // One transaction: a concurrent deleteThread can't make the thread check and the listing disagree.
    return this.#use((db) =>
      db.transaction().setAccessMode('read only').execute(async (tx) => {
        await this.#requireThread(tx, threadId, context, false);
        const cursor =
          after === null
            ? undefined
            : await tx
                .selectFrom('chatkit_items')
                .select('seq')
                .where('user_id', '=', context.userId)
                .where('thread_id', '=', threadId)
                .where('id', '=', after)
                .executeTakeFirst();
        if (after !== null && !cursor) throw new NotFoundError(`Item ${after} not found in thread ${threadId}`);
        const rows = await tx
          .selectFrom('chatkit_items')
          .select(['id', 'data'])
          .where('user_id', '=', context.userId)
          .where('thread_id', '=', threadId)
          .$if(cursor !== undefined, (query) => query.where('seq', order === 'asc' ? '>' : '<', cursor!.seq))
          .orderBy('seq', order)
          .limit(limit + 1)
          .execute();
        return toPage(rows.map((row) => fromDocument<ThreadItem>(row.data)), limit);
      }),
    );
  }

  async addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    const values = this.#itemRow(threadId, item, context);
    await this.#write(async (tx) => {
      await this.#requireThread(tx, threadId, context, true);
      const result = await tx
        .insertInto('chatkit_items')
        .values(values)
        .onConflict((conflict) => conflict.columns(['user_id', 'thread_id', 'id']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
        throw new Error(`Item ${item.id} already exists in thread ${threadId}; use saveItem to replace it`);
      }
    });
  }

  async saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    const values = this.#itemRow(threadId, item, context);
    await this.#write(async (tx) => {
      await this.#requireThread(tx, threadId, context, true);
      // An existing row keeps its seq (its position); a new one gets the next seq (the end of the thread).
      await tx
        .insertInto('chatkit_items')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['user_id', 'thread_id', 'id']).doUpdateSet({ type: values.type, created_at: values.created_at, data: values.data }),
        )
        .execute();
    });
  }

  async loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem> {
    return this.#use(async (db) => {
      const row = await db
        .selectFrom('chatkit_items')
        .select('data')
        .where('user_id', '=', context.userId)
        .where('thread_id', '=', threadId)
        .where('id', '=', itemId)
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`Item ${itemId} not found in thread ${threadId}`);
      return fromDocument<ThreadItem>(row.data);
    });
  }

  async deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void> {
    await this.#use((db) =>
      db.deleteFrom('chatkit_items').where('user_id', '=', context.userId).where('thread_id', '=', threadId).where('id', '=', itemId).execute(),
    );
  }

  async saveAttachment(attachment: Attachment, context: TContext): Promise<void> {
    const data = toDocument(attachment);
    const threadId = attachment.thread_id ?? null;
    await this.#use((db) =>
      db
        .insertInto('chatkit_attachments')
        .values({ user_id: context.userId, id: attachment.id, thread_id: threadId, data })
        .onConflict((conflict) => conflict.columns(['user_id', 'id']).doUpdateSet({ thread_id: threadId, data }))
        .execute(),
    );
  }

  async loadAttachment(attachmentId: string, context: TContext): Promise<Attachment> {
    return this.#use(async (db) => {
      const row = await db.selectFrom('chatkit_attachments').select('data').where('user_id', '=', context.userId).where('id', '=', attachmentId).executeTakeFirst();
      if (!row) throw new NotFoundError(`Attachment ${attachmentId} not found`);
      return fromDocument<Attachment>(row.data);
    });
  }

  async deleteAttachment(attachmentId: string, context: TContext): Promise<void> {
    await this.#use((db) => db.deleteFrom('chatkit_attachments').where('user_id', '=', context.userId).where('id', '=', attachmentId).execute());
  }

  /** Closes the database (the file, or the pool the store created; a pool passed in stays open). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#setup.destroy();
  }

  /** Runs a query of a subclass once the schema is current, with driver errors translated. */
  protected query<T>(work: (db: Kysely<ChatKitDatabase>) => Promise<T>): Promise<T> {
    return this.#use(work);
  }

  #itemRow(threadId: string, item: ThreadItem, context: TContext) {
    return {
      user_id: context.userId,
      thread_id: threadId,
      id: item.id,
      type: item.type,
      created_at: createdAtMillis(item.created_at, `item ${item.id}`),
      data: toDocument(item),
    };
  }

  /**
   * NotFoundError unless the thread exists for this user. With `lock` (PostgreSQL) the thread row stays locked
   * until commit, so appends to one thread from any number of processes take their `seq` one after the other
   * and commit in that order: a reader never sees item n+1 before item n.
   */
  async #requireThread(tx: Tx, threadId: string, context: TContext, lock: boolean): Promise<void> {
    const thread = await tx
      .selectFrom('chatkit_threads')
      .select('seq')
      .where('user_id', '=', context.userId)
      .where('id', '=', threadId)
      .$if(lock && this.#setup.rowLocks, (query) => query.forUpdate())
      .executeTakeFirst();
    if (!thread) throw new NotFoundError(`Thread ${threadId} not found`);
  }

  /** Runs `work` in one write transaction (SQLite: `BEGIN IMMEDIATE`). */
  #write(work: (tx: Tx) => Promise<void>): Promise<void> {
    return this.#use((db) => db.transaction().execute(work));
  }

  /** Runs `work` once the schema is current, with driver errors translated. */
  async #use<T>(work: (db: Kysely<ChatKitDatabase>) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('This ChatKit store was closed; create a new one');
    await this.migrate();
    return this.#run(() => work(this.#setup.db));
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.#setup.translateError(error);
    }
  }
}
