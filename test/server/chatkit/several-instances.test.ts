/**
 * Several instances on one PostgreSQL (issue 11): two Node processes, each a ChatKit server on a PostgresStore.
 * A thread created through one is listed, read and continued through the other; concurrent add_user_message to
 * one thread through both keeps one strict order with nothing lost; migrations started by both at once don't
 * race. At the store level, two processes appending to one thread keep each writer's order and lose nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/server/chatkit/store/postgres-store.js';
import { startPostgresCluster, type PostgresCluster } from '../../fixtures/postgres-cluster.js';
import { startStoreWriter } from '../../fixtures/store-writer-process.js';
import { ChatKitClient, COOKIE_SECRET, userInput, type WireEvent } from './chatkit-client.js';

const instanceScript = fileURLToPath(new URL('../../fixtures/chatkit-pg-instance.ts', import.meta.url));

let cluster: PostgresCluster;
const children: ChildProcess[] = [];
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 60_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await cluster?.destroy();
});

interface Instance {
  url: string;
  migrationMs: number;
  applied: string;
}

async function startInstance(databaseUrl: string, name: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', instanceScript, databaseUrl, COOKIE_SECRET, name], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('listening '));
      if (line) {
        const [, url, ms, applied] = line.split(' ');
        resolve({ url: url!, migrationMs: Number(ms), applied: applied! });
      }
    });
    child.on('exit', (code) => reject(new Error(`instance ${name} exited with ${code}:\n${stderr}`)));
  });
}

/** All items of a thread through one instance, walking pages of `limit`. */
async function listItems(client: ChatKitClient, threadId: string, limit = 200): Promise<WireEvent[]> {
  const items: WireEvent[] = [];
  let after: string | null = null;
  do {
    const answer = await client.post({ type: 'items.list', params: { thread_id: threadId, limit, order: 'asc', after } });
    expect(answer.status).toBe(200);
    items.push(...answer.json.data);
    after = answer.json.has_more ? answer.json.after : null;
  } while (after);
  return items;
}

const textOf = (item: WireEvent) => (item.content as { text: string }[]).map((part) => part.text).join('');

describe('two ChatKit server processes on one PostgreSQL', () => {
  it('share threads: created through one, listed, read and continued through the other; concurrent messages keep one order', async () => {
    const databaseUrl = await cluster.createDatabase('instances');
    const [a, b] = await Promise.all([startInstance(databaseUrl, 'A'), startInstance(databaseUrl, 'B')]);
    // Both migrated at once on an empty database: exactly one applied the schema.
    expect([a.applied, b.applied].sort()).toEqual(['-', '1']);

    const viaA = new ChatKitClient(a.url);
    const created = await viaA.createThread('first');
    expect(created.status).toBe(200);
    const threadId = created.threadId;
    const viaB = new ChatKitClient(b.url);
    viaB.cookie = viaA.cookie; // the same user (same signed cookie) on the other instance

    const listed = await viaB.post({ type: 'threads.list', params: { limit: 10, order: 'desc' } });
    expect(listed.json.data.map((thread: { id: string }) => thread.id)).toEqual([threadId]);
    const read = await viaB.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(read.json.items.data.map(textOf)).toEqual(['first', 'A answers: first']);

    const continued = await viaB.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('second') } });
    expect(continued.events.some((event) => event.type === 'thread.item.done' && textOf(event.item) === 'B answers: second')).toBe(true);

    // 12 messages through each instance at once, all to the same thread.
    const perInstance = 12;
    const sends = [viaA, viaB].flatMap((client, index) =>
      Array.from({ length: perInstance }, (_, i) =>
        client.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput(`${index ? 'B' : 'A'}-${i}`) } }),
      ),
    );
    const answers = await Promise.all(sends);
    expect(answers.map((answer) => answer.status)).toEqual(sends.map(() => 200));
    expect(answers.every((answer) => !answer.events.some((event) => event.type === 'error'))).toBe(true);

    const throughA = await listItems(viaA, threadId);
    const throughB = await listItems(viaB, threadId, 7); // small pages: pagination stays correct under concurrency
    expect(throughB.map((item) => item.id)).toEqual(throughA.map((item) => item.id));
    const texts = throughA.map(textOf);
    expect(texts).toHaveLength(4 + 2 * perInstance * 2);
    expect(new Set(throughA.map((item) => item.id)).size).toBe(texts.length);
    for (const prefix of ['A', 'B']) {
      for (let i = 0; i < perInstance; i++) {
        const asked = texts.indexOf(`${prefix}-${i}`);
        const answered = texts.indexOf(`${prefix} answers: ${prefix}-${i}`);
        expect(asked).toBeGreaterThanOrEqual(0);
        expect(answered).toBeGreaterThan(asked); // every answer after its question, none lost
      }
    }
  }, 60_000);
});

describe('two processes appending to one thread through PostgresStore', () => {
  it('keeps every item, each writer in its own order, one order for every reader; measures items/s', async () => {
    const databaseUrl = await cluster.createDatabase('writers');
    const count = 300;
    const writers = [startStoreWriter('postgres', databaseUrl, 'thr_shared', count, 'p1'), startStoreWriter('postgres', databaseUrl, 'thr_shared', count, 'p2')];
    await Promise.all(writers.map((writer) => writer.ready));
    const started = performance.now();
    for (const writer of writers) writer.go();
    await Promise.all(writers.map((writer) => writer.done));
    const seconds = (performance.now() - started) / 1000;
    console.log(`[several instances] 2 processes appended ${2 * count} items to one PostgreSQL thread in ${seconds.toFixed(2)} s: ${Math.round((2 * count) / seconds)} items/s`);
    await Promise.all(writers.map((writer) => writer.exited));

    const store = new PostgresStore(databaseUrl);
    const context = { userId: 'writer' };
    const asc = (await store.loadThreadItems('thr_shared', null, 10_000, 'asc', context)).data.map((item) => item.id);
    const desc = (await store.loadThreadItems('thr_shared', null, 10_000, 'desc', context)).data.map((item) => item.id);
    await store.close();
    expect(asc).toHaveLength(2 * count);
    expect(new Set(asc).size).toBe(2 * count);
    expect(desc).toEqual([...asc].reverse());
    for (const writer of writers) {
      expect(asc.filter((id) => id.startsWith(writer.acked[0]!.slice(0, 3)))).toEqual(writer.acked);
    }
    // The two writers really interleaved (else this test proves nothing about concurrency).
    const switches = asc.filter((id, i) => i > 0 && id.slice(0, 2) !== asc[i - 1]!.slice(0, 2)).length;
    expect(switches).toBeGreaterThan(10);
  }, 60_000);
});
