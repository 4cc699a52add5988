/**
 * Load test of the session handler behind the Node adapter (`npm run loadtest`, about 50 s, 127.0.0.1 only).
 *
 * autocannon → toNodeListener(createSessionHandler) → real OpenAI SDK → fake sessions API that answers with latency,
 * 500s and connection resets, chosen per request by the workflow id the "browser" sends. Passes when every answer has
 * the documented status for its scenario (ok → 200, upstream 500 → 502, reset → 502), nothing crashed, no log line
 * carries the API key or a client secret, and the heap after GC is within 10 % of the baseline taken after a warm-up.
 *
 * Phases are bounded in time, so the test ends on time however busy the machine is. When autocannon stops it drops the
 * requests still in flight (at most one per connection); the handler sees most of those clients go away (499, never
 * sent). Accounting is exact: the handler must have answered every request autocannon sent.
 *
 * Then three hardening phases (issue 14), each reporting the heap after GC:
 * - rate-limit store: bytes per key for 100 000 user keys and 100 000 address keys, and 300 000 keys into the
 *   default store staying at its 100 000-key bound;
 * - many addresses: `trustProxy: true` and the default limits, cookie-less clients with a new X-Forwarded-For
 *   address on every request, a quarter of them a 6 KB non-address header (counted under the socket address);
 * - slow clients: 1 000 connections sending a body one byte a second, cut with 408 by `bodyTimeout` (2 s here,
 *   10 s by default), and 200 sending their headers a byte a second, cut by Node's `headersTimeout`.
 *
 * Last, the ChatKit server (issue 11, scripts/loadtest-chatkit.ts): 240 concurrent streaming conversations against
 * `createChatKitHandler({ agent })` on SqliteStore, then on a throwaway PostgreSQL cluster (SKIPPED without its
 * binaries), every thread read back whole afterwards.
 */
import autocannon from 'autocannon';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { createSessionHandler, MemoryRateLimitStore, toNodeListener, type RequestContext } from '../src/server/index.js';
import { startFakeSessionsApi, type Fault } from '../test/fixtures/fake-sessions-api.js';
import { listen } from '../test/fixtures/listen.js';
import { runChatKitLoadPhase } from './loadtest-chatkit.js';

/** Warm-up: this many requests, or fewer if the machine is slow — it never takes longer than the seconds below. */
const WARMUP_REQUESTS = 1_200;
const WARMUP_MAX_SECONDS = 6;
const RUN_SECONDS = 12;
const CONNECTIONS = 20;
const HEAP_LIMIT = 0.1;
const CLIENT_GONE = 499;
const API_KEY = 'sk-loadtest-4f9a2c7e1b8d3a6f0e5c9b2d7a1f4e8c';
const COOKIE_SECRET = 'loadtest-cookie-secret-0123456789abcdef';

/** Scenario → the workflow that makes the fake fail that way, and the status the browser must get. */
const SCENARIOS = {
  ok: { workflow: 'wf_ok', expected: 200 },
  'upstream-500': { workflow: 'wf_500', expected: 502 },
  reset: { workflow: 'wf_reset', expected: 502 },
} as const;
type Scenario = keyof typeof SCENARIOS;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('Run with node --expose-gc (npm run loadtest does).');
  process.exit(2);
}
const startedAt = performance.now();

let crashes = 0;
process.on('uncaughtException', (error) => {
  crashes += 1;
  console.error('uncaught exception:', error);
});
process.on('unhandledRejection', (error) => {
  crashes += 1;
  console.error('unhandled rejection:', error);
});

// Upstream: the fake, failing by workflow id, 2–20 ms latency on every answer.
const fake = await startFakeSessionsApi({ record: false });
fake.setFault((request) => {
  const delayMs = 2 + Math.floor(Math.random() * 18);
  const workflow = (request.body as { workflow?: { id?: string } } | undefined)?.workflow?.id;
  const fault: Fault =
    workflow === SCENARIOS['upstream-500'].workflow ? { type: 'error', status: 500, delayMs }
    : workflow === SCENARIOS.reset.workflow ? { type: 'reset', delayMs }
    : { type: 'ok', delayMs };
  return fault;
});

let logLines = 0;
let secretsInLogs = 0;
const log = (line: string) => {
  logLines += 1;
  if (line.includes(API_KEY) || /ek_fake_/.test(line)) secretsInLogs += 1;
};
const handler = createSessionHandler({
  openai: new OpenAI({ apiKey: API_KEY, baseURL: fake.url }),
  workflowId: SCENARIOS.ok.workflow,
  allowClientWorkflow: Object.values(SCENARIOS).map((scenario) => scenario.workflow),
  cookieSecret: COOKIE_SECRET,
  timeout: 10_000, // the default; an ok answer later than this would be a 502 and count as unmapped
  // perIp exercised, never reached; perUser off, so that the heap check sees no per-user keys of first visits (the
  // default limits are the many-address phase's, the store's memory the store phase's)
  rateLimit: { perIp: { limit: 1_000_000_000, windowMs: 60_000 }, perUser: false },
  logger: { warn: log, error: log },
});

/** Statuses the handler answered, per scenario (counted on the server side, where the scenario is known). */
const tally = new Map<string, Map<number, number>>();
let inFlight = 0;
const counted = Object.assign(
  async (request: Request, context: RequestContext) => {
    inFlight += 1;
    try {
      const response = await handler(request, context);
      const scenario = request.headers.get('x-loadtest-scenario') ?? 'none';
      const statuses = tally.get(scenario) ?? new Map<number, number>();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      tally.set(scenario, statuses);
      return response;
    } finally {
      inFlight -= 1;
    }
  },
  { paths: handler.paths },
);
const server = createServer(toNodeListener(counted));
const clientErrors = new Map<string, number>();
server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
  clientErrors.set(error.code ?? error.message, (clientErrors.get(error.code ?? error.message) ?? 0) + 1);
  socket.destroy();
});
const { url, close } = await listen(server);

// A returning user: one cookie reused by part of the traffic (verification path); the rest are first visits (signing path).
const first = await fetch(`${url}/api/chatkit/start`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
const cookie = first.headers.getSetCookie()[0]!.split(';', 1)[0]!;

function request(scenario: Scenario, path = '/api/chatkit/start', extra: Record<string, string> = {}, body: Record<string, unknown> = {}): autocannon.Request {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', 'x-loadtest-scenario': scenario, ...extra },
    body: JSON.stringify({ ...body, workflow: { id: SCENARIOS[scenario].workflow } }),
  };
}
const requests = [
  request('ok'),
  request('ok', '/api/chatkit/start', { cookie }),
  request('ok', '/api/chatkit/refresh', { cookie }, { currentClientSecret: 'ek_fake_loadtest' }),
  request('upstream-500'),
  request('ok'),
  request('reset', '/api/chatkit/start', { cookie }),
];

/** The numbers the report needs; the autocannon result (histograms and all) is dropped before the heap is measured. */
interface RunSummary {
  rps: number;
  sent: number;
  completed: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statuses: Array<[string, number]>;
}

/**
 * Runs autocannon for `seconds` (or until `amount` requests, whichever comes first), then waits (at most 3 s) until
 * the handler has answered every request it got.
 */
async function run(seconds: number, amount?: number): Promise<RunSummary> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options = { url, connections: CONNECTIONS, requests, timeout: 10, ...(amount ? { amount } : { duration: seconds }) };
    const instance = autocannon(options, (error, done) => {
      clearTimeout(stop);
      if (error) reject(error);
      else resolve(done);
    });
    const stop = setTimeout(() => instance.stop(), seconds * 1000);
  });
  for (const until = Date.now() + 3_000; inFlight > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    rps: result.requests.average,
    sent: result.requests.sent,
    completed: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses: Object.entries(result.statusCodeStats ?? {}).map(([status, { count = 0 }]) => [status, count]),
  };
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i += 1) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

console.log('managed-chatkit load test: autocannon → Node adapter → OpenAI SDK → fake sessions API (127.0.0.1, latency 2–20 ms, 500s, resets)');
console.log(`warm-up: ${WARMUP_REQUESTS} requests or ${WARMUP_MAX_SECONDS} s …`);
await run(WARMUP_MAX_SECONDS, WARMUP_REQUESTS);
tally.clear();
clientErrors.clear();
logLines = 0;
const upstreamBefore = fake.count;
const baseline = await heapAfterGc();

console.log(`run ${RUN_SECONDS} s, ${CONNECTIONS} connections …`);
const result = await run(RUN_SECONDS);
const stillInFlight = inFlight;
const after = await heapAfterGc();
await close();

// Server-side tally: expected status per scenario; 499 = autocannon dropped the request when it stopped.
let unmapped = 0;
let dropped = 0;
let answered = 0;
const lines: string[] = [];
for (const [scenario, statuses] of tally) {
  const expected = scenario in SCENARIOS ? SCENARIOS[scenario as Scenario].expected : undefined;
  for (const [status, count] of statuses) {
    answered += count;
    if (status === CLIENT_GONE) dropped += count;
    else if (status !== expected) unmapped += count;
  }
  const parts = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status} × ${count}`);
  lines.push(`  ${scenario.padEnd(13)} expected ${expected ?? '—'}: ${parts.join(', ')}`);
}
const notCompleted = result.sent - result.completed;
const accounted = answered === result.sent && dropped <= notCompleted && notCompleted <= CONNECTIONS;
for (const [status, count] of result.statuses) if (status !== '200' && status !== '502') unmapped += count;
const resets = clientErrors.get('ECONNRESET') ?? 0;
const otherClientErrors = [...clientErrors].filter(([code]) => code !== 'ECONNRESET');
const growth = (after - baseline) / baseline;

console.log('');
console.log(`requests/s     ${Math.round(result.rps)} (${result.completed} answered in ${RUN_SECONDS} s)`);
console.log(`latency        p50 ${result.p50} ms   p99 ${result.p99} ms   max ${result.max} ms`);
console.log('answers per scenario (server side):');
for (const line of lines) console.log(line);
console.log(`answers received by autocannon: ${result.statuses.map(([status, count]) => `${status} × ${count}`).join(', ')}`);
console.log(`sent by autocannon: ${result.sent}, answered by the handler: ${answered}; dropped by autocannon at its stop: ${notCompleted}, of which the handler saw the client gone (499): ${dropped}`);
console.log(`upstream requests: ${fake.count - upstreamBefore} (each 500 and reset retried once)`);
console.log(`unmapped answers (status outside the mapping): ${unmapped}`);
console.log(`autocannon errors / timeouts: ${result.errors} / ${result.timeouts}; connections reset at the stop: ${resets}; other client errors: ${otherClientErrors.length ? otherClientErrors.map(([code, count]) => `${code} × ${count}`).join(', ') : 0}`);
console.log(`crashes (uncaught exceptions, unhandled rejections): ${crashes}`);
console.log(`log lines: ${logLines} (one per failed upstream call), carrying the API key or a client secret: ${secretsInLogs}`);
console.log(`heap after GC: baseline ${mb(baseline)}, after ${mb(after)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %, limit +${HEAP_LIMIT * 100} %)`);

const failures: Array<string | false> = [
  unmapped > 0 && `${unmapped} unmapped answers`,
  !accounted && `requests unaccounted for (sent ${result.sent}, answered ${answered}, dropped ${notCompleted}, 499 ${dropped})`,
  stillInFlight > 0 && `${stillInFlight} requests never answered`,
  result.errors + result.timeouts > 0 && 'autocannon errors or timeouts',
  otherClientErrors.length > 0 && 'client errors other than resets',
  crashes > 0 && `${crashes} crashes`,
  secretsInLogs > 0 && 'secrets in log lines',
  growth > HEAP_LIMIT && `heap grew ${(growth * 100).toFixed(1)} %`,
  result.completed === 0 && 'no requests completed',
];

// ---------------------------------------------------------------------------------------------------------------
// Rate-limit store: bytes per key, and the maxKeys bound.
console.log('');
console.log('rate-limit store (MemoryRateLimitStore, heap after GC):');
{
  const keep: MemoryRateLimitStore[] = [];
  for (const [label, key] of [
    ['user keys (managed-chatkit:user:<uuid>)', () => `managed-chatkit:user:${crypto.randomUUID()}`],
    ['address keys (managed-chatkit:ip:<ipv4>)', (i: number) => `managed-chatkit:ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
  ] as const) {
    const before = await heapAfterGc();
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 100_000; i += 1) store.hit(key(i), 60_000);
    keep.push(store);
    const bytes = (await heapAfterGc()) - before;
    console.log(`  ${label.padEnd(42)} 100 000 keys: ${mb(bytes)}, ${Math.round(bytes / 100_000)} bytes/key`);
  }
  keep.length = 0;
  const before = await heapAfterGc();
  let bounded: MemoryRateLimitStore | undefined = new MemoryRateLimitStore();
  let peak = 0;
  for (let round = 0; round < 3; round += 1) {
    for (let i = 0; i < 100_000; i += 1) bounded.hit(`managed-chatkit:user:${crypto.randomUUID()}`, 60_000);
    peak = Math.max(peak, (await heapAfterGc()) - before);
  }
  const kept = bounded.size;
  bounded = undefined;
  console.log(`  300 000 user keys into the default store: ${kept} kept (maxKeys), heap ${mb(peak)} at most`);
  if (kept > 100_000) failures.push(`store holds ${kept} keys`);
  if (peak > 40 * 1024 * 1024) failures.push(`store heap ${mb(peak)} over 40 MB`);
}

// ---------------------------------------------------------------------------------------------------------------
// Many addresses: trustProxy, default limits, a new X-Forwarded-For per request, no cookies.
const MANY_SECONDS = 8;
console.log('');
console.log(`many addresses: ${MANY_SECONDS} s, ${CONNECTIONS} connections, trustProxy: true, default rate limits, no cookies, a new X-Forwarded-For per request (1 in 4 a 6 KB non-address) …`);
{
  const manyLog: string[] = [];
  const manyStatuses = new Map<number, number>();
  const manyHandler = createSessionHandler({
    openai: new OpenAI({ apiKey: API_KEY, baseURL: fake.url }),
    workflowId: SCENARIOS.ok.workflow,
    cookieSecret: COOKIE_SECRET,
    trustProxy: true,
    logger: { warn: (line) => manyLog.push(line), error: (line) => manyLog.push(line) },
  });
  const manyServer = createServer(
    toNodeListener(
      Object.assign(
        async (request: Request, context: RequestContext) => {
          const response = await manyHandler(request, context);
          manyStatuses.set(response.status, (manyStatuses.get(response.status) ?? 0) + 1);
          return response;
        },
        { paths: manyHandler.paths },
      ),
    ),
  );
  const many = await listen(manyServer);
  const garbage = 'x'.repeat(6 * 1024);
  let next = 0;
  const before = await heapAfterGc();
  const outcome = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: many.url,
        connections: CONNECTIONS,
        duration: MANY_SECONDS,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/api/chatkit/start',
            setupRequest: (request) => {
              next += 1;
              const forwarded = next % 4 === 0 ? garbage : `${(next >> 16) & 255}.${(next >> 8) & 255}.${next & 255}.${1 + (next % 250)}`;
              return { ...request, headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded }, body: '{}' };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    setTimeout(() => instance.stop(), (MANY_SECONDS + 2) * 1000);
  });
  const after = await heapAfterGc();
  await many.close();
  const answeredMany = [...manyStatuses.values()].reduce((sum, count) => sum + count, 0);
  const other = [...manyStatuses].filter(([status]) => status !== 200 && status !== 429 && status !== CLIENT_GONE);
  const perRequest = (after - before) / Math.max(1, answeredMany);
  console.log(`  answered ${answeredMany}: ${[...manyStatuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status} × ${count}`).join(', ')}`);
  console.log(`  the 6 KB non-address headers were counted under the socket address: ${manyStatuses.get(429) ?? 0} answers 429 (at most 60 of them got 200)`);
  console.log(`  heap after GC: ${mb(before)} → ${mb(after)} (${after >= before ? '+' : ''}${mb(after - before)}, ${Math.round(perRequest)} bytes per request: ≤ 2 rate-limit keys of ≈ 175 bytes and, per 200, one issued-session entry, bounded by maxKeys / maxEntries)`);
  console.log(`  log lines: ${manyLog.length}${manyLog.length ? ` (${manyLog[0]!.slice(0, 120)}…)` : ''}`);
  if (other.length > 0) failures.push(`many addresses: unexpected statuses ${other.map(([status, count]) => `${status} × ${count}`).join(', ')}`);
  if ((manyStatuses.get(429) ?? 0) < answeredMany / 4 - 80) failures.push('many addresses: the 6 KB headers were not held by the per-address limit');
  if (perRequest > 1024) failures.push(`many addresses: ${Math.round(perRequest)} bytes of heap kept per request`);
  if (outcome.errors + outcome.timeouts > 0) failures.push('many addresses: autocannon errors or timeouts');
}

// ---------------------------------------------------------------------------------------------------------------
// Slow clients: bodies and headers a byte a second.
const SLOW_BODIES = 1_000;
const SLOW_HEADERS = 200;
const BODY_TIMEOUT = 2_000;
const HEADERS_TIMEOUT = 3_000;
console.log('');
console.log(`slow clients: ${SLOW_BODIES} bodies and ${SLOW_HEADERS} header blocks at 1 byte/s; bodyTimeout ${BODY_TIMEOUT} ms, headersTimeout ${HEADERS_TIMEOUT} ms …`);
{
  const slowHandler = createSessionHandler({
    openai: new OpenAI({ apiKey: API_KEY, baseURL: fake.url }),
    workflowId: SCENARIOS.ok.workflow,
    cookieSecret: COOKIE_SECRET,
    bodyTimeout: BODY_TIMEOUT,
    rateLimit: false,
    logger: { warn: () => {}, error: () => {} },
  });
  const slowServer = createServer(
    { headersTimeout: HEADERS_TIMEOUT, requestTimeout: 10_000, connectionsCheckingInterval: 250 },
    toNodeListener(slowHandler, { bodyTimeout: BODY_TIMEOUT }),
  );
  const slow = await listen(slowServer);
  const { port } = new URL(slow.url);
  const before = await heapAfterGc();

  interface SlowOutcome {
    status: number | undefined;
    /** ms until the answer's first byte, and until the server closed the connection. */
    answeredMs: number;
    ms: number;
  }
  const trickle = (kind: 'body' | 'headers'): Promise<SlowOutcome> =>
    new Promise((resolve) => {
      let started = performance.now();
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      let answeredMs = Number.NaN;
      let timer: NodeJS.Timeout | undefined;
      const head = 'POST /api/chatkit/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n';
      let sent = 0;
      socket.on('connect', () => {
        started = performance.now(); // timed from the accepted connection (past the listen backlog, SYNs are retried)
        if (kind === 'body') socket.write(`${head}\r\n`);
        timer = setInterval(() => {
          if (socket.writable) socket.write(kind === 'body' ? ' ' : head[sent++ % head.length]!);
        }, 1_000);
      });
      socket.on('data', (chunk) => {
        if (answer === '') answeredMs = performance.now() - started;
        answer += chunk.toString('latin1');
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
        resolve({ status: status === undefined ? undefined : Number(status), answeredMs, ms: performance.now() - started });
      });
      setTimeout(() => socket.destroy(), 15_000); // a connection the server never cut
    });
  const pending = [...Array.from({ length: SLOW_BODIES }, () => trickle('body')), ...Array.from({ length: SLOW_HEADERS }, () => trickle('headers'))];
  await new Promise((resolve) => setTimeout(resolve, BODY_TIMEOUT / 2));
  const held = await heapAfterGc();
  const outcomes = await Promise.all(pending);
  const after = await heapAfterGc();
  await slow.close();

  const bodies = outcomes.slice(0, SLOW_BODIES);
  const headers = outcomes.slice(SLOW_BODIES);
  const describe = (list: SlowOutcome[]) => {
    const statuses = new Map<string, number>();
    for (const { status } of list) statuses.set(String(status ?? 'closed without answer'), (statuses.get(String(status ?? 'closed without answer')) ?? 0) + 1);
    const slowest = Math.max(...list.map(({ ms }) => ms));
    const answered = Math.max(...list.map(({ answeredMs }) => answeredMs));
    return {
      text: `${[...statuses].map(([status, count]) => `${status} × ${count}`).join(', ')}; all answered within ${(answered / 1000).toFixed(1)} s and closed within ${(slowest / 1000).toFixed(1)} s`,
      slowest,
    };
  };
  const bodySummary = describe(bodies);
  const headerSummary = describe(headers);
  console.log(`  slow bodies:  ${bodySummary.text}`);
  console.log(`  slow headers: ${headerSummary.text}`);
  console.log(`  heap after GC: before ${mb(before)}, while ${SLOW_BODIES + SLOW_HEADERS} were held ${mb(held)} (+${mb(held - before)}, ${Math.round((held - before) / (SLOW_BODIES + SLOW_HEADERS))} bytes each), after ${mb(after)}`);
  if (bodies.some(({ status }) => status !== 408)) failures.push('slow bodies: not every one was answered 408');
  if (bodySummary.slowest > BODY_TIMEOUT + 3_000) failures.push(`slow bodies: held ${(bodySummary.slowest / 1000).toFixed(1)} s`);
  if (headerSummary.slowest > HEADERS_TIMEOUT + 3_000) failures.push(`slow headers: held ${(headerSummary.slowest / 1000).toFixed(1)} s`);
  if (after - before > 8 * 1024 * 1024) failures.push(`slow clients: heap ${mb(after - before)} higher after they were cut`);
}

await fake.close();

// ---------------------------------------------------------------------------------------------------------------
// ChatKit server: concurrent streaming conversations, SqliteStore and PostgreSQL.
{
  const crashesBefore = crashes;
  for (const outcome of await runChatKitLoadPhase()) {
    failures.push(...outcome.failures);
    if (outcome.skipped) console.log(`ChatKit ${outcome.store}: SKIPPED (${outcome.skipped.split(':', 1)[0]})`);
  }
  if (crashes > crashesBefore) failures.push(`ChatKit server: ${crashes - crashesBefore} crashes`);
}

console.log('');
console.log(`total time ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
const failed = failures.filter(Boolean);
console.log(failed.length === 0 ? 'PASS' : `FAIL: ${failed.join('; ')}`);
process.exit(failed.length === 0 ? 0 : 1);
