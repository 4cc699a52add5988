/**
 * The clients of the ChatKit load phase, in their own process (forked by scripts/loadtest-chatkit.ts) so that their
 * CPU and memory are not the server's. Loopback only; every conversation is one user (its own cookie) and stops by
 * itself: a stream gets STREAM_TIMEOUT_MS, the process exits after HARD_LIMIT_MS whatever happens.
 *
 * Messages from the parent: `{ type: 'warmup', url, count }` → `{ type: 'warmed' }`; then
 * `{ type: 'load', conversations }` → runs them all at once, reads every thread back, → `{ type: 'result', … }`.
 */
import { ARRIVAL_MS, replyTo, THINK_JITTER_MS, THINK_MS, userText } from './loadtest-chatkit-model.js';
import { sseFrames, TruncatedStreamError } from '../test/fixtures/sse-frames.js';

const STREAM_TIMEOUT_MS = 60_000;
const HARD_LIMIT_MS = 170_000;
/** items.list page size for the read-back: small, so that every thread is read in several pages. */
const PAGE_SIZE = 3;
const TEXT_DELTA = 'assistant_message.content_part.text_delta';

setTimeout(() => {
  console.error('ChatKit load clients: hard time limit reached, exiting');
  process.exit(3);
}, HARD_LIMIT_MS).unref();

/** One streamed turn as the client saw it. */
export interface StreamTiming {
  /** ms from sending the request to the first SSE event, and to the first text delta (NaN when none came). */
  firstEventMs: number;
  firstTextMs: number;
  ok: boolean;
}

/** What the read-back found, over all threads. */
export interface ReadBack {
  threads: number;
  /** Items expected (every user and assistant message of every completed turn) and found. */
  expected: number;
  found: number;
  lost: number;
  reordered: number;
  /** Items present beyond the expected ones (e.g. of a turn that failed on the client). */
  extra: number;
  /** Assistant messages whose saved text differs from the model's reply. */
  wrongText: number;
  /** threads.get_by_id's items and the items.list pages disagree. */
  pagingMismatches: number;
  /** Requests of the read-back itself that failed. */
  failedReads: number;
  /** A few failures, described, for the report. */
  samples: string[];
}

export interface LoadResult {
  type: 'result';
  conversations: number;
  streams: StreamTiming[];
  errors: Record<string, number>;
  loadMs: number;
  /** CPU time of this (client) process during the load, as a share of one core. */
  clientCpu: number;
  readBack: ReadBack;
  readBackMs: number;
}

interface Conversation {
  index: number;
  turns: number;
  cookie?: string;
  threadId?: string;
  /** User texts of the turns that completed on the client, in order. */
  completed: string[];
}

let url = '';
const errors: Record<string, number> = {};
const count = (kind: string) => (errors[kind] = (errors[kind] ?? 0) + 1);

function errorKind(error: unknown): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || /other side closed|socket hang up/i.test(cause?.message ?? '')) return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  return `other (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

async function post(conversation: Conversation, body: unknown, signal: AbortSignal): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(conversation.cookie && { Cookie: conversation.cookie }) },
    body: JSON.stringify(body),
    signal,
  });
  const setCookie = response.headers.getSetCookie()[0];
  if (setCookie) conversation.cookie = setCookie.split(';', 1)[0];
  return response;
}

/** One streamed request read to its end frame by frame, as ChatKit.js does; true when the turn fully succeeded. */
async function streamTurn(conversation: Conversation, turn: number, timings: StreamTiming[]): Promise<boolean> {
  const text = userText(conversation.index, turn);
  const input = { content: [{ type: 'input_text', text }], attachments: [], inference_options: {} };
  const body = turn === 0
    ? { type: 'threads.create', params: { input } }
    : { type: 'threads.add_user_message', params: { thread_id: conversation.threadId, input } };
  const started = performance.now();
  const timing: StreamTiming = { firstEventMs: Number.NaN, firstTextMs: Number.NaN, ok: false };
  timings.push(timing);
  try {
    const response = await post(conversation, body, AbortSignal.timeout(STREAM_TIMEOUT_MS));
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      count(`HTTP ${response.status}`);
      await response.body?.cancel();
      return false;
    }
    let streamed = '';
    let saved: string | undefined;
    let failed = false;
    try {
      for await (const frame of sseFrames(response.body!)) {
        if (!frame.startsWith('data: ')) {
          count('malformed SSE frame');
          failed = true;
          continue;
        }
        const event = JSON.parse(frame.slice(6)) as { type: string; [field: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
        if (Number.isNaN(timing.firstEventMs)) timing.firstEventMs = performance.now() - started;
        if (event.type === 'thread.created') conversation.threadId = event.thread.id;
        else if (event.type === 'thread.item.updated' && event.update?.type === TEXT_DELTA) {
          if (Number.isNaN(timing.firstTextMs)) timing.firstTextMs = performance.now() - started;
          streamed += event.update.delta;
        } else if (event.type === 'thread.item.done' && event.item?.type === 'assistant_message') {
          saved = event.item.content.map((part: { text: string }) => part.text).join('');
        } else if (event.type === 'error') {
          count(`error event (${event.code ?? 'no code'})`);
          failed = true;
        }
      }
    } catch (error) {
      if (!(error instanceof TruncatedStreamError)) throw error;
      count('stream ended mid-frame');
      return false;
    }
    if (failed) return false;
    const expected = replyTo(text);
    if (saved === undefined) {
      count('stream ended without the assistant message');
      return false;
    }
    if (streamed !== expected || saved !== expected) {
      count('assistant text differs from the model\'s reply');
      return false;
    }
    timing.ok = true;
    conversation.completed.push(text);
    return true;
  } catch (error) {
    count(errorKind(error));
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function converse(conversation: Conversation, timings: StreamTiming[], think: boolean): Promise<void> {
  for (let turn = 0; turn < conversation.turns; turn += 1) {
    if (turn > 0 && think) await sleep(THINK_MS - THINK_JITTER_MS + Math.random() * 2 * THINK_JITTER_MS);
    if (!(await streamTurn(conversation, turn, timings))) return;
    if (!conversation.threadId) {
      count('threads.create without thread.created');
      return;
    }
  }
}

interface WireItem {
  id: string;
  type: string;
  content?: Array<{ text?: string }>;
}

async function readJson(conversation: Conversation, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await post(conversation, body, AbortSignal.timeout(STREAM_TIMEOUT_MS));
  if (response.status !== 200) throw new Error(`${(body as { type: string }).type}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Reads one thread back (threads.get_by_id, then items.list page by page) and compares it with what was sent. */
async function readBackThread(conversation: Conversation, result: ReadBack): Promise<void> {
  if (!conversation.threadId) return;
  result.threads += 1;
  const sample = (text: string) => result.samples.length < 5 && result.samples.push(`conversation ${conversation.index}: ${text}`);
  let paged: WireItem[] = [];
  let first: WireItem[];
  try {
    const thread = await readJson(conversation, { type: 'threads.get_by_id', params: { thread_id: conversation.threadId } });
    first = thread.items.data as WireItem[];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await readJson(conversation, { type: 'items.list', params: { thread_id: conversation.threadId, limit: PAGE_SIZE, order: 'asc', after } });
      paged = paged.concat(page.data as WireItem[]);
      if (!page.has_more) break;
      after = page.after;
    }
  } catch (error) {
    result.failedReads += 1;
    sample(`read-back failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (first.map((item) => item.id).join() !== paged.slice(0, first.length).map((item) => item.id).join()) {
    result.pagingMismatches += 1;
    sample('threads.get_by_id and items.list disagree');
  }
  const actual = paged
    .filter((item) => item.type === 'user_message' || item.type === 'assistant_message')
    .map((item) => ({ type: item.type, text: (item.content ?? []).map((part) => part.text ?? '').join('') }));
  const expectedTexts = new Set(conversation.completed.flatMap((text) => [text, replyTo(text)]));
  let previous = -1;
  let found = 0;
  let altered = 0;
  for (const text of conversation.completed) {
    for (const [type, expected] of [['user_message', text], ['assistant_message', replyTo(text)]] as const) {
      result.expected += 1;
      let at = actual.findIndex((item, index) => index > previous && item.type === type && item.text === expected);
      if (at < 0) at = actual.findIndex((item) => item.type === type && item.text === expected);
      if (at < 0) {
        // An assistant message in its place whose text is no reply of this conversation: saved, but altered.
        const sameType = actual.findIndex((item, index) => index > previous && item.type === type && !expectedTexts.has(item.text));
        if (type === 'assistant_message' && sameType >= 0) {
          result.wrongText += 1;
          altered += 1;
          sample(`assistant text differs: ${JSON.stringify(actual[sameType]!.text.slice(0, 60))}`);
        } else {
          result.lost += 1;
          sample(`${type} of ${JSON.stringify(text)} missing`);
        }
        continue;
      }
      found += 1;
      if (at < previous) {
        result.reordered += 1;
        sample(`${type} of ${JSON.stringify(text)} out of order`);
      }
      previous = Math.max(previous, at);
    }
  }
  result.found += found;
  result.extra += Math.max(0, paged.length - found - altered);
}

/** Runs `list` with at most `width` at once. */
async function inParallel<T>(list: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, async () => {
    while (next < list.length) await run(list[next++]!);
  }));
}

const all: Conversation[] = [];
const newConversations = (count: number) =>
  Array.from({ length: count }, (): Conversation => {
    const index = all.length;
    // threads.create, then 2 or 3 add_user_message turns
    const conversation = { index, turns: 3 + (index % 2), completed: [] };
    all.push(conversation);
    return conversation;
  });

process.on('message', async (message: { type: string; url?: string; count?: number }) => {
  if (message.type === 'warmup') {
    url = message.url!;
    await inParallel(newConversations(message.count!), 4, (conversation) => converse(conversation, [], false));
    process.send!({ type: 'warmed', errors: { ...errors } });
    for (const key of Object.keys(errors)) delete errors[key];
  } else if (message.type === 'load') {
    const streams: StreamTiming[] = [];
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(newConversations(message.count!).map(async (conversation, i) => {
      await sleep(i * ARRIVAL_MS);
      await converse(conversation, streams, true);
    }));
    const loadMs = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    const readBack: ReadBack = { threads: 0, expected: 0, found: 0, lost: 0, reordered: 0, extra: 0, wrongText: 0, pagingMismatches: 0, failedReads: 0, samples: [] };
    const readStarted = performance.now();
    await inParallel(all, 16, (conversation) => readBackThread(conversation, readBack));
    const result: LoadResult = {
      type: 'result',
      conversations: message.count!,
      streams,
      errors,
      loadMs,
      clientCpu: (user + system) / 1000 / loadMs,
      readBack,
      readBackMs: performance.now() - readStarted,
    };
    process.send!(result, () => process.exit(0));
  }
});
process.send!({ type: 'ready' });
