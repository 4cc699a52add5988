/**
 * The embedded default survives a crash: a child process appends items through SqliteStore and acknowledges
 * each after its commit; we `kill -9` it mid-writes, reopen the file, and every acknowledged item is there, in
 * order, and the file passes integrity_check. Three rounds on one file, each killed at a different point.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/server/chatkit/store/sqlite-store.js';
import { startStoreWriter } from '../../fixtures/store-writer-process.js';

const dir = mkdtempSync(join(tmpdir(), 'chatkit-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('kill -9 during writes: the file opens, passes integrity_check, and holds every acknowledged item in order', async () => {
  const path = join(dir, 'chatkit.db');
  const context = { userId: 'writer' };
  let expected: string[] = [];
  for (const [round, killAfter] of [[1, 150], [2, 40], [3, 400]] as const) {
    const writer = startStoreWriter('sqlite', path, 'thr_crash', 100_000, `r${round}`);
    await writer.ready;
    writer.go();
    await writer.acknowledged(killAfter);
    writer.child.kill('SIGKILL');
    await writer.exited;
    expect(writer.acked.length).toBeGreaterThanOrEqual(killAfter);
    expect(writer.acked.length).toBeLessThan(100_000);
    expected = [...expected, ...writer.acked];

    const reopened = new SqliteStore(path);
    expect(await reopened.integrityCheck()).toBe('ok');
    const stored = (await reopened.loadThreadItems('thr_crash', null, 1_000_000, 'asc', context)).data.map((item) => item.id);
    // Every acknowledged item, in order; at most one more (committed, killed before its ack was written).
    expect(stored.slice(0, expected.length)).toEqual(expected);
    expect(stored.length - expected.length).toBeLessThanOrEqual(1);
    expected = stored;
    await reopened.close();
  }
}, 60_000);
