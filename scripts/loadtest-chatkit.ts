/**
 * The ChatKit-server phase of `npm run loadtest`: hundreds of concurrent streaming conversations against
 * `createChatKitHandler({ agent, store })` behind `toNodeListener` + `http.createServer` on 127.0.0.1, with an
 * `@openai/agents` Agent on the offline fake model (first token after 300 ms, then a chunk every 20 ms, 46 chunks).
 *
 * The clients run in a child process (scripts/loadtest-chatkit-clients.ts), so this process's heap and RSS are the
 * server's. Each conversation is its own user (its own cookie): threads.create, then 2 or 3 threads.add_user_message
 * turns on the same thread, every SSE stream read to its end. The per-address rate limit is raised to 100 000/min for
 * the phase (every client is 127.0.0.1, and the default 600/min would refuse most of them); the per-user default
 * (120/min) stays on.
 *
 * On the first turn, every answer is held after its first text chunk until all conversations have one open, so the
 * heap and RSS are measured (after GC) while every stream is open; then they go on. Afterwards every thread is read
 * back (threads.get_by_id, then items.list three items a page): each user and assistant message present, in order,
 * the assistant's text the model's reply. Run once on SqliteStore (a temporary file) and once on PostgreSQL (a
 * throwaway cluster; SKIPPED with the reason when its binaries are missing).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, setTracingDisabled } from '@openai/agents';
import { createChatKitHandler } from '../src/server/chatkit/handler.js';
import { PostgresStore } from '../src/server/chatkit/store/postgres-store.js';
import { SqliteStore } from '../src/server/chatkit/store/sqlite-store.js';
import type { Store } from '../src/server/chatkit/store/store.js';
import { toNodeListener } from '../src/server/node-adapter.js';
import { listen } from '../test/fixtures/listen.js';
import { startPostgresCluster, type PostgresCluster } from '../test/fixtures/postgres-cluster.js';
import type { LoadResult } from './loadtest-chatkit-clients.js';
import { ARRIVAL_MS, CHUNK_MS, FIRST_TOKEN_MS, GatedModel, THINK_JITTER_MS, THINK_MS } from './loadtest-chatkit-model.js';

/** Concurrent conversations (at least 200: the goal of issue 11). `LOADTEST_CHATKIT_CONVERSATIONS` overrides. */
const CONVERSATIONS = Number(process.env.LOADTEST_CHATKIT_CONVERSATIONS ?? 240);
const WARMUP_CONVERSATIONS = 8;
/** Longest wait for every first answer to be open before measuring with those that are. */
const HOLD_WAIT_MS = 30_000;
/** Longest the clients may take for the load and the read-back together. */
const CLIENT_LIMIT_MS = 150_000;
/** The heap after GC at the end may exceed the baseline by this much (per-user rate-limit keys, pool connections). */
const END_HEAP_LIMIT_BYTES = 4 * 1024 * 1024;
const COOKIE_SECRET = 'loadtest-chatkit-cookie-secret-0123456789abcdef';
const CLIENTS = join(dirname(fileURLToPath(import.meta.url)), 'loadtest-chatkit-clients.ts');

/** The figures of one store's run (for the report and docs/performance.md). */
export interface ChatKitLoadFigures {
  store: string;
  conversations: number;
  streams: number;
  streamsPerSecond: number;
  loadSeconds: number;
  peakOpen: number;
  heldOpen: number;
  firstEvent: { p50: number; p99: number };
  firstText: { p50: number; p99: number };
  errors: Record<string, number>;
  heapPerStream: number;
  rssPerStream: number;
  heapBaseline: number;
  heapEnd: number;
  readBack: LoadResult['readBack'];
  readBackSeconds: number;
  serverLogLines: number;
  /** The server process's CPU time during the load, as a share of one core (1 = one core fully busy). */
  serverCpu: number;
  /** The clients' CPU time during the load (their own process), as a share of one core. */
  clientCpu: number;
  /** The server's event-loop delay during the load, ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** The machine's 1-minute load average when the load started (other processes share the 2 cores). */
  loadAverage: number;
}

export interface ChatKitLoadOutcome {
  store: string;
  skipped?: string;
  figures?: ChatKitLoadFigures;
  failures: string[];
}

const gc = (globalThis as { gc?: () => void }).gc;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function memoryAfterGc(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 4; i += 1) {
    gc?.();
    await sleep(100);
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** The next message of `type` from the child, or a rejection after `ms` or when it exits first. */
function nextMessage<T>(child: ChildProcess, type: string, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the client process exited (code ${code}) before sending "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" from the client process within ${ms / 1000} s`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** One run of the load against `store` (yours to close), reported on the console under `label`. */
export async function runChatKitLoad(label: string, store: Store): Promise<ChatKitLoadOutcome> {
  const failures: string[] = [];
  const model = new GatedModel();
  const agent = new Agent({ name: 'Assistant', instructions: 'Answer the question.', model });
  const logged: string[] = [];
  const handler = createChatKitHandler({
    agent,
    store,
    cookieSecret: COOKIE_SECRET,
    // All clients are 127.0.0.1: the per-address default (600/min) would refuse most of the load. Per user: default.
    rateLimit: { perIp: { limit: 100_000, windowMs: 60_000 } },
    logger: { warn: (line) => logged.push(line), error: (line) => logged.push(line) },
  });
  const server = await listen(createServer(toNodeListener(handler)));
  const child = fork(CLIENTS, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await nextMessage(child, 'ready', 30_000);
    child.send({ type: 'warmup', url: `${server.url}/api/chatkit`, count: WARMUP_CONVERSATIONS });
    const warmed = await nextMessage<{ errors: Record<string, number> }>(child, 'warmed', 60_000);
    if (Object.keys(warmed.errors).length > 0) failures.push(`warm-up errors: ${JSON.stringify(warmed.errors)}`);
    model.forgetStats();
    logged.length = 0;
    const baseline = await memoryAfterGc();

    model.hold();
    const cpuBefore = process.cpuUsage();
    const loadAverage = loadavg()[0]!;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const result = nextMessage<LoadResult>(child, 'result', CLIENT_LIMIT_MS);
    result.catch(() => {}); // awaited below; a rejection while holding must not go unhandled
    child.send({ type: 'load', count: CONVERSATIONS });
    for (const until = performance.now() + HOLD_WAIT_MS; model.held < CONVERSATIONS && performance.now() < until; ) await sleep(20);
    const allHeldAt = performance.now();
    const heldOpen = model.held;
    const held = await memoryAfterGc();
    model.release();
    const pauseMs = performance.now() - allHeldAt;

    const outcome = await result;
    const cpu = process.cpuUsage(cpuBefore);
    loop.disable();
    model.forgetStats();
    const end = await memoryAfterGc();

    const streams = outcome.streams.length;
    const loadSeconds = (outcome.loadMs - pauseMs) / 1000;
    const figures: ChatKitLoadFigures = {
      store: label,
      conversations: outcome.conversations,
      streams,
      streamsPerSecond: streams / loadSeconds,
      loadSeconds,
      peakOpen: model.peak,
      heldOpen,
      firstEvent: percentiles(outcome.streams.map((stream) => stream.firstEventMs)),
      firstText: percentiles(outcome.streams.map((stream) => stream.firstTextMs)),
      errors: outcome.errors,
      heapPerStream: (held.heap - baseline.heap) / Math.max(1, heldOpen),
      rssPerStream: (held.rss - baseline.rss) / Math.max(1, heldOpen),
      heapBaseline: baseline.heap,
      heapEnd: end.heap,
      readBack: outcome.readBack,
      readBackSeconds: outcome.readBackMs / 1000,
      serverLogLines: logged.length,
      serverCpu: (cpu.user + cpu.system) / 1000 / (outcome.loadMs + outcome.readBackMs),
      clientCpu: outcome.clientCpu,
      loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      loadAverage,
    };
    report(figures, pauseMs, logged);

    const expectedStreams = Array.from({ length: CONVERSATIONS }, (_, i) => 3 + ((WARMUP_CONVERSATIONS + i) % 2)).reduce((a, b) => a + b, 0);
    const { readBack } = outcome;
    if (CONVERSATIONS < 200) failures.push(`only ${CONVERSATIONS} conversations (at least 200 required)`);
    if (heldOpen < CONVERSATIONS) failures.push(`only ${heldOpen} of ${CONVERSATIONS} streams were open at once`);
    if (streams !== expectedStreams || outcome.streams.some((stream) => !stream.ok)) failures.push(`${outcome.streams.filter((stream) => stream.ok).length} of ${expectedStreams} streams completed`);
    if (Object.keys(outcome.errors).length > 0) failures.push(`errors: ${Object.entries(outcome.errors).map(([kind, n]) => `${kind} × ${n}`).join(', ')}`);
    if (readBack.threads !== CONVERSATIONS + WARMUP_CONVERSATIONS) failures.push(`${readBack.threads} threads read back of ${CONVERSATIONS + WARMUP_CONVERSATIONS}`);
    if (readBack.lost + readBack.reordered + readBack.wrongText + readBack.extra + readBack.pagingMismatches + readBack.failedReads > 0) {
      failures.push(`read-back: ${readBack.lost} lost, ${readBack.reordered} reordered, ${readBack.wrongText} wrong text, ${readBack.extra} extra, ${readBack.pagingMismatches} paging mismatches, ${readBack.failedReads} failed reads`);
    }
    if (logged.length > 0) failures.push(`${logged.length} server log lines`);
    if (end.heap - baseline.heap > END_HEAP_LIMIT_BYTES) failures.push(`heap after GC ${mb(end.heap - baseline.heap)} above the baseline at the end`);
    return { store: label, figures, failures: failures.map((failure) => `ChatKit ${label}: ${failure}`) };
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
    return { store: label, failures: failures.map((failure) => `ChatKit ${label}: ${failure}`) };
  } finally {
    model.release();
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await server.close();
    await handler.close();
  }
}

function report(figures: ChatKitLoadFigures, pauseMs: number, logged: string[]): void {
  const { firstEvent, firstText, readBack } = figures;
  const errorList = Object.entries(figures.errors);
  console.log(`  streams        ${figures.streams} in ${figures.loadSeconds.toFixed(1)} s (without the ${(pauseMs / 1000).toFixed(1)} s measuring pause): ${figures.streamsPerSecond.toFixed(0)} streams/s; ${figures.heldOpen} open at once (peak model runs ${figures.peakOpen})`);
  console.log(`  server CPU     ${(figures.serverCpu * 100).toFixed(0)} % of one core during the load and read-back, clients ${(figures.clientCpu * 100).toFixed(0)} % (their own process); event-loop delay p50 ${figures.loopDelay.p50.toFixed(0)} ms, p99 ${figures.loopDelay.p99.toFixed(0)} ms, max ${figures.loopDelay.max.toFixed(0)} ms; machine load average ${figures.loadAverage.toFixed(1)} at the start (2 cores)`);
  console.log(`  first event    p50 ${firstEvent.p50.toFixed(0)} ms   p99 ${firstEvent.p99.toFixed(0)} ms`);
  console.log(`  first text     p50 ${firstText.p50.toFixed(0)} ms   p99 ${firstText.p99.toFixed(0)} ms   (model's first token ${FIRST_TOKEN_MS} ms: ×${(firstText.p50 / FIRST_TOKEN_MS).toFixed(2)} / ×${(firstText.p99 / FIRST_TOKEN_MS).toFixed(2)})`);
  console.log(`  errors         ${errorList.length === 0 ? 'none (HTTP, error events, resets, timeouts: 0)' : errorList.map(([kind, n]) => `${kind} × ${n}`).join(', ')}`);
  console.log(`  memory         per open stream ${kb(figures.heapPerStream)} heap, ${kb(figures.rssPerStream)} RSS (after GC, ${figures.heldOpen} open)`);
  console.log(`  heap after GC  baseline ${mb(figures.heapBaseline)}, end ${mb(figures.heapEnd)} (${figures.heapEnd >= figures.heapBaseline ? '+' : ''}${mb(figures.heapEnd - figures.heapBaseline)}, limit +${mb(END_HEAP_LIMIT_BYTES)})`);
  console.log(`  read back      ${readBack.threads} threads, ${readBack.found}/${readBack.expected} messages in ${figures.readBackSeconds.toFixed(1)} s: ${readBack.lost} lost, ${readBack.reordered} reordered, ${readBack.wrongText} wrong text, ${readBack.extra} extra, ${readBack.pagingMismatches} paging mismatches, ${readBack.failedReads} failed reads`);
  for (const sample of readBack.samples) console.log(`    ${sample}`);
  console.log(`  server log     ${figures.serverLogLines} lines${logged.length ? `: ${logged[0]!.slice(0, 200)}` : ''}`);
}

/** Runs the phase on SqliteStore, then on PostgreSQL; prints each run's report and returns the outcomes. */
export async function runChatKitLoadPhase(): Promise<ChatKitLoadOutcome[]> {
  setTracingDisabled(true);
  const outcomes: ChatKitLoadOutcome[] = [];
  console.log('');
  console.log(`ChatKit server: ${CONVERSATIONS} concurrent conversations (threads.create + 2–3 add_user_message, ${THINK_MS - THINK_JITTER_MS}–${THINK_MS + THINK_JITTER_MS} ms between turns, starting ${ARRIVAL_MS} ms apart, each its own user), Agent on the fake model (first token ${FIRST_TOKEN_MS} ms, a chunk every ${CHUNK_MS} ms), clients in a child process, per-address limit raised to 100 000/min`);

  console.log('SqliteStore (temporary file, WAL, synchronous=FULL) …');
  const dir = mkdtempSync(join(tmpdir(), 'chatkit-loadtest-'));
  const sqlite = new SqliteStore(join(dir, 'chatkit.db'));
  try {
    outcomes.push(await runChatKitLoad('SqliteStore', sqlite));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('PostgresStore (throwaway cluster, fsync on, pool of 10) …');
  let cluster: PostgresCluster;
  try {
    cluster = await startPostgresCluster({ durable: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.log(`  SKIPPED: ${reason}`);
    outcomes.push({ store: 'PostgresStore', skipped: reason, failures: [] });
    return outcomes;
  }
  try {
    const postgres = new PostgresStore(await cluster.createDatabase('loadtest'));
    try {
      outcomes.push(await runChatKitLoad('PostgresStore', postgres));
    } finally {
      await postgres.close();
    }
  } finally {
    await cluster.destroy();
  }
  return outcomes;
}
