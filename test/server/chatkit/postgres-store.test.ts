/**
 * PostgresStore on a real PostgreSQL: the shared Store contract, migrations (idempotent, racing instances), and
 * faults — refused at start, lost mid-operation, a slow query — with recovery. One throwaway cluster per file.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/server/chatkit/store/postgres-store.js';
import { SCHEMA_VERSION } from '../../../src/server/chatkit/store/schema.js';
import { StoreUnavailableError } from '../../../src/server/chatkit/store/store.js';
import { startPostgresCluster, type PostgresCluster } from '../../fixtures/postgres-cluster.js';
import { describeStore, makeThread, userMessage } from './store-suite.js';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});

let shared: PostgresStore | undefined;
describeStore(
  'PostgresStore',
  async () => (shared = new PostgresStore(await cluster.createDatabase('contract'))),
  async () => shared?.close(),
);

const user = { userId: 'u1' };
const itemIds = async (store: PostgresStore, threadId: string) =>
  (await store.loadThreadItems(threadId, null, 1000, 'asc', user)).data.map((item) => item.id);

describe('PostgresStore migrations', () => {
  it('five instances starting at once on an empty database apply the schema exactly once', async () => {
    const url = await cluster.createDatabase('race');
    const stores = Array.from({ length: 5 }, () => new PostgresStore(url));
    const applied = await Promise.all(stores.map((store) => store.migrate()));
    expect(applied.flat()).toEqual([SCHEMA_VERSION]);
    const client = new pg.Client(url);
    await client.connect();
    const { rows } = await client.query('select version from chatkit_schema_version');
    await client.end();
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
    await stores[0]!.saveThread(makeThread('t'), user);
    expect((await stores[4]!.loadThread('t', user)).id).toBe('t');
    await Promise.all(stores.map((store) => store.close()));
  });

  it('works with a pg.Pool it was given, and leaves that pool open on close', async () => {
    const pool = new pg.Pool({ connectionString: await cluster.createDatabase('given_pool') });
    const store = new PostgresStore(pool);
    await store.saveThread(makeThread('t'), user);
    await store.close();
    expect((await pool.query('select count(*)::int as n from chatkit_threads')).rows[0]).toEqual({ n: 1 });
    await pool.end();
  });

  it('refuses what is not a connection, and bad options', () => {
    expect(() => new PostgresStore({} as never)).toThrow(/connection string .* or a pg.Pool/);
    expect(() => new PostgresStore('postgres://localhost/x', { statementTimeoutMs: 0 })).toThrow(/statementTimeoutMs must be a whole number > 0/);
  });
});

describe('PostgresStore faults', () => {
  it('refused at start: a StoreUnavailableError naming host, port and the fix; the next call after the server is back works', async () => {
    const url = await cluster.createDatabase('refused');
    await cluster.stop();
    const store = new PostgresStore(url, { connectTimeoutMs: 2000 });
    try {
      const error = await store.loadThreads(10, null, 'asc', user).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${cluster.port} refused the connection.*running and reachable`));
    } finally {
      await cluster.start();
    }
    await store.saveThread(makeThread('t'), user);
    expect((await store.loadThread('t', user)).id).toBe('t');
    await store.close();
  });

  it('the server going away mid-transaction: the append is rejected, no half-written item is left, and the store recovers', async () => {
    const url = await cluster.createDatabase('lost');
    const store = new PostgresStore(url);
    await store.saveThread(makeThread('t'), user);
    await store.addThreadItem('t', userMessage('m1', 't', 'before'), user);

    // Hold the thread's row lock from another session so the next append waits inside its transaction,
    // then kill that append's backend while it waits.
    const blocker = new pg.Client(url);
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query("select 1 from chatkit_threads where id = 't' for update");
    const append = store.addThreadItem('t', userMessage('m2', 't', 'lost'), user).catch((e: unknown) => e);
    const admin = new pg.Client(url);
    await admin.connect();
    let killed = 0;
    for (let attempt = 0; attempt < 50 && killed === 0; attempt++) {
      const { rowCount } = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'managed-chatkit' and wait_event_type = 'Lock'",
      );
      killed = rowCount ?? 0;
      if (!killed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(killed).toBe(1);
    const error = await append;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+ is unavailable \((57P01: terminating connection|Connection terminated).*\); nothing of this call was written/);
    await blocker.query('rollback');
    await blocker.end();
    await admin.end();

    expect(await itemIds(store, 't')).toEqual(['m1']);
    await store.addThreadItem('t', userMessage('m2', 't', 'after'), user);
    expect(await itemIds(store, 't')).toEqual(['m1', 'm2']);
    await store.close();
  });

  it('the whole server stopping and restarting: calls fail with StoreUnavailableError, then work again on their own', async () => {
    const url = await cluster.createDatabase('restart');
    const store = new PostgresStore(url, { connectTimeoutMs: 1000 });
    await store.saveThread(makeThread('t'), user);
    await store.addThreadItem('t', userMessage('m1', 't', 'a'), user);
    await cluster.stop();
    try {
      await expect(store.addThreadItem('t', userMessage('m2', 't', 'b'), user)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.loadThread('t', user)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await cluster.start();
    }
    expect(await itemIds(store, 't')).toEqual(['m1']);
    await store.addThreadItem('t', userMessage('m2', 't', 'b'), user);
    expect(await itemIds(store, 't')).toEqual(['m1', 'm2']);
    await store.close();
  });

  it('a slow query is cancelled at statementTimeoutMs with a clear StoreUnavailableError, and nothing is written', async () => {
    const url = await cluster.createDatabase('slow');
    const store = new PostgresStore(url, { statementTimeoutMs: 300 });
    await store.saveThread(makeThread('t'), user);
    const blocker = new pg.Client(url);
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query("select 1 from chatkit_threads where id = 't' for update");
    const started = Date.now();
    const error = await store.addThreadItem('t', userMessage('m1', 't', 'slow'), user).catch((e: unknown) => e);
    const waited = Date.now() - started;
    await blocker.query('rollback');
    await blocker.end();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/cancelled after the statement timeout \(300 ms\).*Nothing was written/);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3000);
    expect(await itemIds(store, 't')).toEqual([]);
    await store.addThreadItem('t', userMessage('m1', 't', 'fast'), user);
    expect(await itemIds(store, 't')).toEqual(['m1']);
    await store.close();
  });
});

describe('the PostgreSQL test harness', () => {
  it('fails (does not skip) without PostgreSQL binaries, saying to run npm run setup', async () => {
    const saved = process.env.PG_BIN;
    process.env.PG_BIN = '/nonexistent/postgresql/bin';
    try {
      await expect(startPostgresCluster()).rejects.toThrow(/run `npm run setup`.*PG_BIN/);
    } finally {
      if (saved === undefined) delete process.env.PG_BIN;
      else process.env.PG_BIN = saved;
    }
  });
});
