/**
 * The SQL stores load their drivers on first use: importing them needs neither better-sqlite3 nor pg, and a
 * missing driver is a clear error naming the install command — at the first call, not at import.
 */
import { describe, expect, it, vi } from 'vitest';

function moduleNotFound(name: string): never {
  throw Object.assign(new Error(`Cannot find package '${name}' imported from store.js`), { code: 'ERR_MODULE_NOT_FOUND' });
}
vi.mock('better-sqlite3', () => moduleNotFound('better-sqlite3'));
vi.mock('pg', () => moduleNotFound('pg'));

const { SqliteStore } = await import('../../../src/server/chatkit/store/sqlite-store.js');
const { PostgresStore } = await import('../../../src/server/chatkit/store/postgres-store.js');
const user = { userId: 'u' };

describe('store drivers', () => {
  it('SqliteStore without better-sqlite3: the first call names `npm install better-sqlite3@12`, and so does the next', async () => {
    const store = new SqliteStore(':memory:');
    await expect(store.loadThreads(10, null, 'asc', user)).rejects.toThrow(/SqliteStore needs the better-sqlite3 package.*npm install better-sqlite3@12/);
    await expect(store.loadThread('t', user)).rejects.toThrow(/npm install better-sqlite3@12/);
  });

  it('PostgresStore without pg: the first call names `npm install pg`', async () => {
    const store = new PostgresStore('postgres://127.0.0.1:1/none');
    await expect(store.loadThreads(10, null, 'asc', user)).rejects.toThrow(/PostgresStore needs the pg package: run `npm install pg`/);
  });
});
