import { Kysely, PostgresDialect, sql, type PostgresPool } from 'kysely';
import type { ChatKitDatabase } from './schema.js';
import { SqlStore, type SqlDialectSetup } from './sql-store.js';
import { StoreUnavailableError, type StoreContext } from './store.js';

/** Options of {@link PostgresStore}. The timeouts apply to the pool the store creates from a connection string. */
export interface PostgresStoreOptions {
  /** Server-side `statement_timeout`: a query running longer is cancelled (StoreUnavailableError). Default 10 000 ms. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection (new or from a busy pool) before failing. Default 5 000 ms. */
  connectTimeoutMs?: number;
  /** Most connections the pool opens. Default 10. */
  maxConnections?: number;
}

/** The part of pg's `Pool` the store touches besides what Kysely needs. */
interface PgPool extends PostgresPool {
  on?(event: 'error' | 'connect', listener: (value: unknown) => void): unknown;
  listenerCount?(event: string): number;
  options: { host?: string; port?: number; connectionString?: string } & object;
}

/** Key of the transaction-scoped advisory lock the migration holds ("chat" in ASCII). */
const MIGRATION_LOCK_KEY = 0x63686174;

/** Errors that mean "the database can't serve this call right now" — retrying later can work. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT']);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53100', '53200', '40001', '40P01', '55P03', '25006']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|Connection closed|ended unexpectedly/i;

async function loadPg(): Promise<{ Pool: new (config: object) => PgPool }> {
  try {
    const module = (await import('pg')) as unknown as { default: { Pool: new (config: object) => PgPool } };
    return module.default;
  } catch (error) {
    throw new Error('PostgresStore needs the pg package: run `npm install pg`.', { cause: error });
  }
}

/** "host:port" of a connection string or pool, for error messages (never the password). */
function describeServer(connection: string | PgPool): string {
  let host = process.env.PGHOST ?? 'localhost';
  let port = process.env.PGPORT ?? '5432';
  const connectionString = typeof connection === 'string' ? connection : connection.options?.connectionString;
  if (connectionString) {
    try {
      const url = new URL(connectionString);
      host = url.searchParams.get('host') ?? (url.hostname || host);
      port = url.port || port;
    } catch {
      // A key=value connection string: keep the defaults.
    }
  }
  if (typeof connection !== 'string') {
    host = connection.options?.host ?? host;
    port = String(connection.options?.port ?? port);
  }
  return `${host}:${port}`;
}

/**
 * The store on PostgreSQL through `pg`, for several server instances sharing one database. Same query layer,
 * schema and behaviour as {@link SqliteStore}; appends to one thread from any number of processes keep one strict
 * order (the thread row is locked for the append). Migrations run on first use under an advisory lock.
 * Pass a connection string (the store creates and closes its pool) or your own `pg.Pool` (you close it).
 * A database that is down, restarting or too slow makes calls fail with `StoreUnavailableError`; the next call
 * after it returns works again.
 *
 * ```ts
 * createChatKitHandler({ agent, store: new PostgresStore(process.env.DATABASE_URL!) });
 * ```
 */
export class PostgresStore<TContext extends StoreContext = StoreContext> extends SqlStore<TContext> {
  /** `host:port` of the server, as named in error messages. */
  readonly server: string;

  constructor(connection: string | PostgresPool, options: PostgresStoreOptions = {}) {
    if (typeof connection !== 'string' && typeof connection?.connect !== 'function') {
      throw new TypeError('PostgresStore needs a connection string (postgres://user:password@host:5432/database) or a pg.Pool');
    }
    const server = describeServer(connection as string | PgPool);
    for (const name of ['statementTimeoutMs', 'connectTimeoutMs', 'maxConnections'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        throw new TypeError(`PostgresStore: ${name} must be a whole number > 0 (got ${JSON.stringify(value)})`);
      }
    }
    const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;

    const db = new Kysely<ChatKitDatabase>({
      dialect: new PostgresDialect({
        pool: async () => {
          if (typeof connection !== 'string') {
            const given = connection as PgPool;
            guardAgainstCrashes(given);
            // Kysely ends its pool on destroy; a pool the application passed in is the application's to end.
            return { connect: () => given.connect(), end: async () => {}, options: given.options, Client: given.Client };
          }
          const { Pool } = await loadPg();
          const pool = new Pool({
            connectionString: connection,
            max: options.maxConnections ?? 10,
            connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
            statement_timeout: statementTimeoutMs,
            // A server that vanishes without closing the socket must not hang a call forever either.
            query_timeout: statementTimeoutMs + 5_000,
            idle_in_transaction_session_timeout: statementTimeoutMs + 5_000,
            application_name: 'managed-chatkit',
          });
          guardAgainstCrashes(pool);
          return pool;
        },
      }),
    });

    const setup: SqlDialectSetup = {
      name: 'postgres',
      db,
      rowLocks: true,
      lockForMigration: async (tx) => {
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx);
      },
      translateError: (error) => translatePgError(error, server, statementTimeoutMs),
      destroy: () => db.destroy(),
    };
    super(setup);
    this.server = server;
  }
}

/**
 * pg emits 'error' on an idle pool client when the server goes away, and on a checked-out client between
 * queries; unhandled, either would crash the process. The failure still reaches the caller as a rejected query.
 */
function guardAgainstCrashes(pool: PgPool): void {
  if (!pool.on) return;
  if ((pool.listenerCount?.('error') ?? 0) === 0) pool.on('error', () => {});
  pool.on('connect', (client) => {
    (client as { on(event: 'error', listener: () => void): void }).on('error', () => {});
  });
}

function translatePgError(error: unknown, server: string, statementTimeoutMs: number): unknown {
  if (!(error instanceof Error)) return error;
  const causes = [error, ...((error as Partial<AggregateError>).errors ?? [])] as (Error & { code?: string })[];
  const codes = causes.map((cause) => cause.code).filter((code): code is string => typeof code === 'string');
  const fix = 'Check that PostgreSQL is running and reachable at that address (connection string, PGHOST/PGPORT); the store retries on the next call.';
  if (codes.includes('ECONNREFUSED')) {
    return new StoreUnavailableError(`PostgreSQL at ${server} refused the connection (ECONNREFUSED). ${fix}`, { cause: error });
  }
  const network = codes.find((code) => NETWORK_CODES.has(code));
  if (network) {
    return new StoreUnavailableError(`PostgreSQL at ${server} is unreachable (${network}: ${error.message}). ${fix}`, { cause: error });
  }
  if (codes.includes('57014')) {
    return new StoreUnavailableError(
      `A query to PostgreSQL at ${server} was cancelled after the statement timeout (${statementTimeoutMs} ms): the database is overloaded or a lock is held too long. Nothing was written.`,
      { cause: error },
    );
  }
  const sqlstate = codes.find((code) => UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'));
  if (sqlstate || UNAVAILABLE_MESSAGES.test(error.message)) {
    return new StoreUnavailableError(
      `PostgreSQL at ${server} is unavailable (${sqlstate ? `${sqlstate}: ` : ''}${error.message}); nothing of this call was written. ${fix}`,
      { cause: error },
    );
  }
  return error;
}
