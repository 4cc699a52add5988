import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/server/chatkit/store/schema.js';
import { SqliteStore } from '../../../src/server/chatkit/store/sqlite-store.js';
import { describeStore, makeThread, userMessage } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'chatkit-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let shared: SqliteStore | undefined;
describeStore(
  'SqliteStore',
  async () => (shared = new SqliteStore(join(dir, 'suite.db'))),
  async () => shared?.close(),
);

/** Reads a pragma on the store's own connection (synchronous, busy_timeout and foreign_keys are per connection). */
class ProbedSqliteStore extends SqliteStore {
  pragma(name: 'synchronous' | 'busy_timeout' | 'foreign_keys' | 'journal_mode'): Promise<unknown> {
    return this.query(async (db) => Object.values((await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(db)).rows[0]!)[0]);
  }
}

describe('SqliteStore', () => {
  const user = { userId: 'u1' };

  it('runs with synchronous=FULL by default (NORMAL on request), busy_timeout and foreign keys on its connection', async () => {
    const full = new ProbedSqliteStore(join(dir, 'pragmas-full.db'));
    expect(await full.pragma('journal_mode')).toBe('wal');
    expect(await full.pragma('synchronous')).toBe(2);
    expect(await full.pragma('busy_timeout')).toBe(5000);
    expect(await full.pragma('foreign_keys')).toBe(1);
    await full.close();
    const normal = new ProbedSqliteStore(join(dir, 'pragmas-normal.db'), { synchronous: 'normal', busyTimeoutMs: 250 });
    expect(await normal.pragma('synchronous')).toBe(1);
    expect(await normal.pragma('busy_timeout')).toBe(250);
    await normal.close();
  });

  it('creates the parent directory and the file on first use, in WAL mode with synchronous=FULL', async () => {
    const path = join(dir, 'nested', 'deeper', 'chatkit.db');
    const store = new SqliteStore(path);
    await store.saveThread(makeThread('t'), user);
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('opening the store does not touch the disk; the first call does', async () => {
    const path = join(dir, 'lazy', 'chatkit.db');
    const store = new SqliteStore(path);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path)).toBe(false);
    expect(await store.migrate()).toEqual([SCHEMA_VERSION]);
    expect(existsSync(path)).toBe(true);
    await store.close();
  });

  it('migrates once: a second store on the same file applies nothing and reads what the first wrote', async () => {
    const path = join(dir, 'twice.db');
    const first = new SqliteStore(path);
    expect(await first.migrate()).toEqual([SCHEMA_VERSION]);
    await first.saveThread(makeThread('t'), user);
    await first.addThreadItem('t', userMessage('m1', 't', 'hi'), user);
    const second = new SqliteStore(path);
    expect(await second.migrate()).toEqual([]);
    expect((await second.loadThreadItems('t', null, 10, 'asc', user)).data.map((i) => i.id)).toEqual(['m1']);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('select version, description from chatkit_schema_version').all()).toEqual([{ version: 1, description: 'threads, items, attachments' }]);
    raw.close();
    await first.close();
    await second.close();
  });

  it('refuses a database written by a newer version, naming the fix', async () => {
    const path = join(dir, 'newer.db');
    const store = new SqliteStore(path);
    await store.migrate();
    await store.close();
    const raw = new Database(path);
    raw.prepare("insert into chatkit_schema_version values (999, 'future', '2030-01-01')").run();
    raw.close();
    const newer = new SqliteStore(path);
    await expect(newer.loadThreads(10, null, 'asc', user)).rejects.toThrow(/schema version 999.*upgrade managed-chatkit/);
    await newer.close();
  });

  it('a write blocked by another process holding the write lock past busyTimeoutMs is a StoreUnavailableError, and nothing is written', async () => {
    const path = join(dir, 'locked.db');
    const store = new SqliteStore(path, { busyTimeoutMs: 100 });
    await store.saveThread(makeThread('t'), user);
    const other = new Database(path);
    other.exec('begin immediate');
    const started = Date.now();
    const error = await store.addThreadItem('t', userMessage('m1', 't', 'hi'), user).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(error).toMatchObject({ name: 'StoreUnavailableError', message: expect.stringMatching(/locked\.db.*SQLITE_BUSY.*100 ms/) });
    other.exec('rollback');
    other.close();
    expect((await store.loadThreadItems('t', null, 10, 'asc', user)).data).toEqual([]);
    await store.addThreadItem('t', userMessage('m1', 't', 'hi'), user);
    expect((await store.loadThreadItems('t', null, 10, 'asc', user)).data.map((i) => i.id)).toEqual(['m1']);
    await store.close();
  });

  it('checks its options', () => {
    expect(() => new SqliteStore(':memory:', { synchronous: 'off' as never })).toThrow(/synchronous must be 'full' or 'normal'/);
    expect(() => new SqliteStore(':memory:', { busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs must be a whole number/);
  });

  it('a closed store says so', async () => {
    const store = new SqliteStore(':memory:');
    await store.close();
    await expect(store.loadThread('t', user)).rejects.toThrow(/closed/);
  });

  it('passes integrity_check', async () => {
    const store = new SqliteStore(join(dir, 'integrity.db'));
    await store.saveThread(makeThread('t'), user);
    expect(await store.integrityCheck()).toBe('ok');
    await store.close();
  });
});
