import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type TransactionSettings } from 'kysely';
import type { ChatKitDatabase } from './schema.js';
import { SqlStore, type SqlDialectSetup } from './sql-store.js';
import { StoreUnavailableError, type StoreContext } from './store.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * When a commit reaches the disk. `'full'` (default): the WAL is fsynced at every commit, so an acknowledged
   * write survives a process crash, an OS crash and a power cut. `'normal'`: no fsync per commit — still safe
   * against a process crash (`kill -9`) and never corrupts the file, but a power cut may lose the last commits;
   * writes are many times faster where fsync is slow (8–20× on this project's test VM).
   */
  synchronous?: 'full' | 'normal';
  /** How long a write waits for another process holding the file's write lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** The subset of a better-sqlite3 `Database` the store uses. */
interface BetterSqliteDatabase {
  prepare(source: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; reader: boolean };
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): void;
}

/** SQLite driver whose write transactions take the write lock at `BEGIN` (see {@link SqlDialectSetup.db}). */
class ImmediateSqliteDriver extends SqliteDriver {
  // Kysely passes the transaction settings to every driver (Driver.beginTransaction); SqliteDriver's
  // declaration just leaves the parameter out.
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    const begin = settings?.accessMode === 'read only' ? 'begin deferred' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(begin));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Whether `error` (or one of its causes) says that package `name` is not installed. */
function isModuleNotFound(error: unknown, name: string): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as NodeJS.ErrnoException).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && current.message.includes(name)) return true;
    if (new RegExp(`Cannot find (package|module) '${name}'`).test(current.message)) return true;
  }
  return false;
}

/** better-sqlite3's constructor, imported on first use so that importing the store never needs the native module. */
async function loadBetterSqlite(): Promise<new (filename: string) => BetterSqliteDatabase> {
  try {
    const module = (await import('better-sqlite3')) as unknown as { default: new (filename: string) => BetterSqliteDatabase };
    return module.default;
  } catch (error) {
    const fix = isModuleNotFound(error, 'better-sqlite3')
      ? 'it is not installed: run `npm install better-sqlite3@12`'
      : 'its native module did not load (built for another Node version?): run `npm rebuild better-sqlite3`';
    throw new Error(`SqliteStore needs the better-sqlite3 package, and ${fix} — or pass another store (MemoryStore, PostgresStore).`, {
      cause: error,
    });
  }
}

/** better-sqlite3 error codes (and their extended forms, e.g. SQLITE_BUSY_SNAPSHOT) meaning "can't serve this call now". */
const UNAVAILABLE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN'];

/**
 * The embedded default store: one SQLite file (WAL mode) through better-sqlite3 12, created with its parent
 * directory on first use. Survives a crash: every write is a committed transaction, and a `kill -9` at any moment
 * leaves a file that opens with every acknowledged write in it. Several processes on one machine may share the
 * file (writers take turns, waiting up to `busyTimeoutMs`); for several machines use {@link PostgresStore}.
 *
 * ```ts
 * createChatKitHandler({ agent, store: new SqliteStore('.chatkit/chatkit.db') });
 * ```
 */
export class SqliteStore<TContext extends StoreContext = StoreContext> extends SqlStore<TContext> {
  /** The database file (absolute), or ':memory:'. */
  readonly path: string;

  constructor(path = '.chatkit/chatkit.db', options: SqliteStoreOptions = {}) {
    const file = path === ':memory:' ? path : resolve(path);
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') {
      throw new TypeError(`SqliteStore: synchronous must be 'full' or 'normal' (got ${JSON.stringify(synchronous)})`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new TypeError(`SqliteStore: busyTimeoutMs must be a whole number ≥ 0 (got ${JSON.stringify(options.busyTimeoutMs)})`);
    }
    const db = new Kysely<ChatKitDatabase>({
      dialect: new ImmediateSqliteDialect({
        database: async () => {
          const Database = await loadBetterSqlite();
          if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
          const opened = new Database(file);
          try {
            opened.pragma(`busy_timeout = ${busyTimeoutMs}`);
            opened.pragma('journal_mode = WAL');
            opened.pragma(`synchronous = ${synchronous.toUpperCase()}`);
            opened.pragma('foreign_keys = ON');
          } catch (error) {
            opened.close();
            throw error;
          }
          return opened as never;
        },
      }),
    });
    const setup: SqlDialectSetup = {
      name: 'sqlite',
      db,
      rowLocks: false,
      // The migration transaction is `BEGIN IMMEDIATE`: it already holds the file's only write lock.
      lockForMigration: async () => {},
      translateError: (error) => {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && UNAVAILABLE_CODES.some((prefix) => code.startsWith(prefix))) {
          const reason =
            code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
              ? `another process held its write lock for more than ${busyTimeoutMs} ms`
              : (error as Error).message;
          return new StoreUnavailableError(`SQLite database ${file} is unavailable (${code}): ${reason}`, { cause: error });
        }
        return error;
      },
      destroy: () => db.destroy(),
    };
    super(setup);
    this.path = file;
  }

  /** `PRAGMA integrity_check` — 'ok' for a healthy file. For tests and operators. */
  async integrityCheck(): Promise<string> {
    const { rows } = await this.query((db) => sql<{ integrity_check: string }>`pragma integrity_check`.execute(db));
    return rows.map((row) => row.integrity_check).join('\n');
  }
}
