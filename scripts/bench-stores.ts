/**
 * Store figures for docs/chatkit-server.md: append rate and page-read latency of MemoryStore, SqliteStore
 * (synchronous FULL and NORMAL) and PostgresStore (a throwaway local cluster with fsync on, as in production),
 * migration time on an empty database, and two processes appending to one PostgreSQL thread at once.
 * Needs PostgreSQL's binaries (`npm run setup`). Prints a Markdown table.
 *
 *   npx tsx scripts/bench-stores.ts [--items=2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../src/server/chatkit/store/memory-store.js';
import { PostgresStore } from '../src/server/chatkit/store/postgres-store.js';
import { SqliteStore } from '../src/server/chatkit/store/sqlite-store.js';
import type { Store } from '../src/server/chatkit/store/store.js';
import type { AssistantMessageItem } from '../src/server/chatkit/types.js';
import { startPostgresCluster } from '../test/fixtures/postgres-cluster.js';
import { startStoreWriter } from '../test/fixtures/store-writer-process.js';

const items = Number(process.argv.find((arg) => arg.startsWith('--items='))?.slice(8) ?? 2000);
const context = { userId: 'bench' };

function item(threadId: string, i: number): AssistantMessageItem {
  return {
    id: `msg_${String(i).padStart(8, '0')}`,
    thread_id: threadId,
    created_at: new Date().toISOString(),
    type: 'assistant_message',
    content: [{ type: 'output_text', text: 'A typical answer of a few sentences. '.repeat(10), annotations: [] }],
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(name: string, store: Store & { migrate?: () => Promise<number[]> }): Promise<string> {
  const migrateStarted = performance.now();
  await store.migrate?.();
  const migrationMs = performance.now() - migrateStarted;
  await store.saveThread({ id: 'thr_bench', created_at: new Date().toISOString(), status: { type: 'active' }, metadata: {} }, context);
  const started = performance.now();
  for (let i = 0; i < items; i++) await store.addThreadItem('thr_bench', item('thr_bench', i), context);
  const appendPerSecond = items / ((performance.now() - started) / 1000);
  const reads: number[] = [];
  for (let i = 0; i < 200; i++) {
    const after = `msg_${String(Math.floor(Math.random() * (items - 40))).padStart(8, '0')}`;
    const readStarted = performance.now();
    await store.loadThreadItems('thr_bench', after, 20, i % 2 ? 'asc' : 'desc', context);
    reads.push(performance.now() - readStarted);
  }
  reads.sort((a, b) => a - b);
  await store.close?.();
  return `| ${name} | ${store.migrate ? migrationMs.toFixed(0) : '–'} | ${Math.round(appendPerSecond)} | ${percentile(reads, 50).toFixed(2)} | ${percentile(reads, 99).toFixed(2)} |`;
}

const dir = mkdtempSync(join(tmpdir(), 'chatkit-bench-'));
const cluster = await startPostgresCluster({ durable: true });
try {
  const rows = [
    await measure('MemoryStore', new MemoryStore()),
    await measure('SqliteStore (synchronous FULL, default)', new SqliteStore(join(dir, 'full.db'))),
    await measure('SqliteStore (synchronous NORMAL)', new SqliteStore(join(dir, 'normal.db'), { synchronous: 'normal' })),
    await measure('PostgresStore (local, fsync on)', new PostgresStore(await cluster.createDatabase('bench'))),
  ];
  console.log(`${items} sequential appends to one thread, then 200 reads of a 20-item page at a random cursor.\n`);
  console.log('| store | migration on an empty database (ms) | appends/s | page read p50 (ms) | page read p99 (ms) |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);

  const url = await cluster.createDatabase('two_writers');
  const perWriter = Math.min(items, 1000);
  const writers = [startStoreWriter('postgres', url, 'thr_shared', perWriter, 'p1'), startStoreWriter('postgres', url, 'thr_shared', perWriter, 'p2')];
  await Promise.all(writers.map((writer) => writer.ready));
  const started = performance.now();
  for (const writer of writers) writer.go();
  await Promise.all(writers.map((writer) => writer.done));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(writers.map((writer) => writer.exited));
  console.log(`\nTwo processes appending ${perWriter} items each to one PostgreSQL thread at once: ${Math.round((2 * perWriter) / seconds)} items/s in total.`);
} finally {
  await cluster.destroy();
  rmSync(dir, { recursive: true, force: true });
}
