import { sql, type ColumnType, type CreateTableBuilder, type Generated, type Kysely, type Transaction } from 'kysely';

/** The SQL dialects the store layer speaks. */
export type SqlDialectName = 'sqlite' | 'postgres';

/**
 * Epoch milliseconds. PostgreSQL's `bigint` comes back as a string from `pg`; the stores only compare these
 * values in SQL and pass them back as cursors, so both forms are fine.
 */
type Millis = ColumnType<number | string, number, number>;
/** Insertion sequence: monotonic, assigned by the database (identity / autoincrement). */
type Sequence = ColumnType<number | string, never, never>;

/** Threads: the `ThreadMetadata` JSON document plus the columns queries filter and sort by. */
export interface ThreadsTable {
  seq: Generated<Sequence>;
  user_id: string;
  id: string;
  created_at: Millis;
  data: string;
}

/** Items: the `ThreadItem` JSON document; `seq` is the order of addition within the thread. */
export interface ItemsTable {
  seq: Generated<Sequence>;
  user_id: string;
  thread_id: string;
  id: string;
  type: string;
  created_at: Millis;
  data: string;
}

/** Attachments: the `Attachment` JSON document. */
export interface AttachmentsTable {
  user_id: string;
  id: string;
  thread_id: string | null;
  data: string;
}

export interface SchemaVersionTable {
  version: number;
  description: string;
  applied_at: string;
}

/** Table names carry a `chatkit_` prefix so the store can share a database with the application's own tables. */
export interface ChatKitDatabase {
  chatkit_threads: ThreadsTable;
  chatkit_items: ItemsTable;
  chatkit_attachments: AttachmentsTable;
  chatkit_schema_version: SchemaVersionTable;
}

/** A monotonic sequence column: identity in PostgreSQL, AUTOINCREMENT (never reused) in SQLite. */
function withSeq<TB extends string>(table: CreateTableBuilder<TB, never>, dialect: SqlDialectName): CreateTableBuilder<TB, 'seq'> {
  return dialect === 'postgres'
    ? table.addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
}

interface Migration {
  version: number;
  description: string;
  up(db: Transaction<ChatKitDatabase>, dialect: SqlDialectName): Promise<void>;
}

/**
 * Every schema change, in order. Append a new entry for a change; never edit an applied one. Each runs in the
 * same transaction as its `chatkit_schema_version` row, so a crash mid-migration leaves the previous version.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'threads, items, attachments',
    async up(db, dialect) {
      await withSeq(db.schema.createTable('chatkit_threads'), dialect)
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addUniqueConstraint('chatkit_threads_user_id_id_key', ['user_id', 'id'])
        .execute();
      await db.schema.createIndex('chatkit_threads_listing').on('chatkit_threads').columns(['user_id', 'created_at', 'seq']).execute();

      await withSeq(db.schema.createTable('chatkit_items'), dialect)
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addUniqueConstraint('chatkit_items_user_id_thread_id_id_key', ['user_id', 'thread_id', 'id'])
        .addForeignKeyConstraint('chatkit_items_thread_fkey', ['user_id', 'thread_id'], 'chatkit_threads', ['user_id', 'id'], (c) =>
          c.onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('chatkit_items_listing').on('chatkit_items').columns(['user_id', 'thread_id', 'seq']).execute();

      await db.schema
        .createTable('chatkit_attachments')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('chatkit_attachments_pkey', ['user_id', 'id'])
        .execute();
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the schema up to {@link SCHEMA_VERSION} inside one transaction, after `lock` (PostgreSQL: a transaction
 * advisory lock; SQLite: the write lock `BEGIN IMMEDIATE` already holds), so instances starting at once apply
 * each migration exactly once: the second waits, then sees the new version and does nothing.
 * Returns the versions it applied (empty when the schema was current).
 */
export async function migrate(
  db: Kysely<ChatKitDatabase>,
  dialect: SqlDialectName,
  lock: (tx: Transaction<ChatKitDatabase>) => Promise<void>,
): Promise<number[]> {
  return db.transaction().execute(async (tx) => {
    await lock(tx);
    await tx.schema
      .createTable('chatkit_schema_version')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const { current } = await tx
      .selectFrom('chatkit_schema_version')
      .select(sql<number | null>`max(version)`.as('current'))
      .executeTakeFirstOrThrow();
    const from = Number(current ?? 0);
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `The ChatKit store's database has schema version ${from}, newer than this managed-chatkit knows (${SCHEMA_VERSION}): ` +
          'upgrade managed-chatkit on every instance that uses this database.',
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((m) => m.version > from)) {
      await migration.up(tx, dialect);
      await tx
        .insertInto('chatkit_schema_version')
        .values({ version: migration.version, description: migration.description, applied_at: new Date().toISOString() })
        .execute();
      applied.push(migration.version);
    }
    return applied;
  });
}
