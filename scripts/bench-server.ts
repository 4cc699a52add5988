/**
 * The ChatKit server phase of `npm run bench`: how much time `createChatKitHandler({ agent })` adds before the first
 * token reaches the client, against the model's own time to first token — measured in one run, one process.
 *
 * A node:http server on 127.0.0.1 (toNodeListener) runs the handler with an Agent on the offline fake model
 * (test/fixtures/fake-model.ts: first token after FIRST_TOKEN_MS). For each request — `threads.create` with one
 * message, sequentially, after a warm-up — it records:
 * - first byte: request sent → the first SSE bytes arrive (`thread.created`);
 * - first token: request sent → the first `assistant_message.content_part.text_delta` arrives;
 * - the model's own first token: the fake model's call start → its first text chunk;
 * - overhead: first token − the model's own first token (the handler, store writes, the Agents SDK, HTTP, SSE).
 * Rows for MemoryStore, the default SqliteStore (a temporary file, WAL, synchronous=FULL) and SqliteStore with
 * `synchronous: 'normal'` (no fsync per commit), so the cost of syncing to disk shows as its own row.
 *
 * Standalone: `npx tsx scripts/bench-server.ts [--requests=200] [--no-write]` prints the table and replaces the
 * "ChatKit server" section of docs/performance.md; `npm run bench` runs it as its last phase.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, setTracingDisabled } from '@openai/agents';
import { createChatKitHandler } from '../src/server/chatkit/handler.js';
import type { Store } from '../src/server/chatkit/store/store.js';
import { MemoryStore } from '../src/server/chatkit/store/memory-store.js';
import { SqliteStore } from '../src/server/chatkit/store/sqlite-store.js';
import { toNodeListener } from '../src/server/node-adapter.js';
import { fakeModel } from '../test/fixtures/fake-model.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = join(ROOT, 'docs', 'performance.md');
/** The fake model's time to first token. */
export const FIRST_TOKEN_MS = 20;
/** The overhead goal (issue 10): at most this many ms at the median. */
export const OVERHEAD_GOAL_MS = 5;
const WARMUP = 10;
const SECTION_START = '<!-- bench-server:start -->';
const SECTION_END = '<!-- bench-server:end -->';

export interface ServerBenchRow {
  store: string;
  requests: number;
  firstByte: Percentiles;
  firstToken: Percentiles;
  modelFirstToken: Percentiles;
  overhead: Percentiles;
}
interface Percentiles { p50: number; p99: number }

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const TEXT_DELTA = '"assistant_message.content_part.text_delta"';

async function measureStore(name: string, store: Store, requests: number): Promise<ServerBenchRow> {
  const model = fakeModel({ reply: 'Hello from the fake model, streamed word by word.', firstTokenMs: FIRST_TOKEN_MS, tokenMs: 1 });
  const agent = new Agent({ name: 'Bench', instructions: 'Answer.', model });
  const handler = createChatKitHandler({ agent, store, cookieSecret: 'bench-cookie-secret-0123456789abcdefghijkl', rateLimit: false }); // one user sends every request: the default per-user limit would refuse them
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chatkit`;
  let cookie = '';
  const body = JSON.stringify({ type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'Hi' }], attachments: [], inference_options: {} } } });
  const firstByte: number[] = [];
  const firstToken: number[] = [];
  const modelFirstToken: number[] = [];
  const overhead: number[] = [];
  try {
    for (let i = 0; i < WARMUP + requests; i++) {
      const sent = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(cookie && { Cookie: cookie }) }, body });
      if (response.status !== 200) throw new Error(`bench-server: ${name} answered ${response.status}: ${await response.text()}`);
      cookie ||= response.headers.getSetCookie()[0]?.split(';', 1)[0] ?? '';
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let byteAt = 0;
      let tokenAt = 0;
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        byteAt ||= performance.now();
        text += value;
        if (!tokenAt && text.includes(TEXT_DELTA)) tokenAt = performance.now();
      }
      if (!tokenAt) throw new Error(`bench-server: ${name}: no text delta in ${text.slice(0, 300)}`);
      if (i < WARMUP) continue;
      const own = model.stats.firstTokenAt.at(-1)! - model.stats.requestAt.at(-1)!;
      firstByte.push(byteAt - sent);
      firstToken.push(tokenAt - sent);
      modelFirstToken.push(own);
      overhead.push(tokenAt - sent - own);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close?.();
  }
  return {
    store: name,
    requests,
    firstByte: percentiles(firstByte),
    firstToken: percentiles(firstToken),
    modelFirstToken: percentiles(modelFirstToken),
    overhead: percentiles(overhead),
  };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Runs the server phase; `text` for the console, `markdown` for docs/performance.md (with its section markers). */
export async function benchServer({ requests = 200 }: { requests?: number } = {}): Promise<{ rows: ServerBenchRow[]; text: string; markdown: string; ok: boolean }> {
  setTracingDisabled(true);
  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'bench-server-'));
  const rows: ServerBenchRow[] = [];
  try {
    rows.push(await measureStore('MemoryStore', new MemoryStore(), requests));
    rows.push(await measureStore('SqliteStore (file, WAL, synchronous=FULL: the default)', new SqliteStore(join(dir, 'chatkit.db')), requests));
    rows.push(await measureStore("SqliteStore (file, WAL, synchronous: 'normal')", new SqliteStore(join(dir, 'normal.db'), { synchronous: 'normal' }), requests));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const headers = ['store', 'requests', 'first byte p50 / p99', 'first token p50 / p99', "model's own first token p50 / p99", 'overhead p50 / p99', 'first token ÷ model'];
  const cells = rows.map((row) => [
    row.store,
    String(row.requests),
    `${ms(row.firstByte.p50)} / ${ms(row.firstByte.p99)}`,
    `${ms(row.firstToken.p50)} / ${ms(row.firstToken.p99)}`,
    `${ms(row.modelFirstToken.p50)} / ${ms(row.modelFirstToken.p99)}`,
    `${ms(row.overhead.p50)} / ${ms(row.overhead.p99)}`,
    `${(row.firstToken.p50 / row.modelFirstToken.p50).toFixed(2)}×`,
  ]);
  const ok = rows.every((row) => row.overhead.p50 <= OVERHEAD_GOAL_MS);
  const load = `${cpus().length} cores, 1-minute load average ${loadBefore.toFixed(2)} before this phase, ${loadavg()[0]!.toFixed(2)} after`;
  const verdict = rows.map((row) => `${row.store}: overhead p50 ${ms(row.overhead.p50)} — goal ≤ ${OVERHEAD_GOAL_MS} ms: ${row.overhead.p50 <= OVERHEAD_GOAL_MS ? 'met' : 'NOT met'}`);
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const text = [
    `ChatKit server: request → first token at the client, createChatKitHandler({ agent }) on the fake model (first token after ${FIRST_TOKEN_MS} ms)`,
    line(headers),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    ...verdict,
    load,
  ].join('\n');
  const markdown = `${SECTION_START}
### ChatKit server: time to first token (\`createChatKitHandler({ agent })\`)

Measured by \`scripts/bench-server.ts\` (the last phase of \`npm run bench\`; alone: \`npx tsx scripts/bench-server.ts\`),
on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${load}. A node:http server on 127.0.0.1 (\`toNodeListener\`) runs the handler with an
\`@openai/agents\` Agent on the offline fake model (test/fixtures/fake-model.ts), whose first token comes ${FIRST_TOKEN_MS} ms after
the model is called. Each request is a \`threads.create\` with one message (${WARMUP} warm-up requests first, then ${requests}
measured, one at a time); client and server share one process, so every figure is one clock.
**first byte**: request sent → first SSE bytes (\`thread.created\`).
**first token**: request sent → first \`assistant_message.content_part.text_delta\` at the client.
**model's own first token**: the fake model's call → its first text chunk.
**overhead** = first token − the model's own first token, per request: parsing and validating the request, the
cookie, the store (thread, user message, history), converting history, the Agents SDK run loop, SSE and HTTP.

| ${headers.join(' | ')} |
|:---|${headers.slice(1).map(() => '---:').join('|')}|
${cells.map((row) => `| ${row.join(' | ')} |`).join('\n')}

${verdict.map((v) => `- ${v}`).join('\n')}

SqliteStore writes the thread and the user message before the model is called, each a transaction synced to disk
(WAL, \`synchronous=FULL\`: what makes an acknowledged item survive a crash); the difference from MemoryStore is spent before the responder starts (measured separately), mostly on those writes, and
grows with a slow or busy disk. MemoryStore shows what the handler, the Agents SDK and HTTP cost without them; the
\`synchronous: 'normal'\` row shows the same writes without an fsync each (an acknowledged item then survives a crash of
the process, as the crash test shows, but not necessarily a power cut).
${SECTION_END}`;
  return { rows, text, markdown, ok };
}

/** Replaces (or appends) the server section of docs/performance.md. */
export function writeServerSection(markdown: string, path = REPORT): void {
  const current = readFileSync(path, 'utf8');
  const start = current.indexOf(SECTION_START);
  const end = current.indexOf(SECTION_END);
  const next = start >= 0 && end > start
    ? current.slice(0, start) + markdown + current.slice(end + SECTION_END.length)
    : `${current.trimEnd()}\n\n${markdown}\n`;
  writeFileSync(path, next);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const requests = Number(args.find((a) => a.startsWith('--requests='))?.slice('--requests='.length) ?? 200) || 200;
  benchServer({ requests }).then(
    ({ text, markdown, ok }) => {
      console.log(text);
      if (!args.includes('--no-write')) {
        writeServerSection(markdown);
        console.error(`bench-server: wrote ${REPORT.slice(ROOT.length + 1)}`);
      }
      process.exit(ok ? 0 : 1);
    },
    (error: unknown) => {
      console.error('bench-server:', error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(2);
    },
  );
}
