/**
 * Load test of the session handler behind the Node adapter (`npm run loadtest`, under 30 s, 127.0.0.1 only).
 *
 * autocannon → toNodeListener(createSessionHandler) → real OpenAI SDK → fake sessions API that answers with latency,
 * 500s and connection resets, chosen per request by the workflow id the "browser" sends. Passes when every answer has
 * the documented status for its scenario (ok → 200, upstream 500 → 502, reset → 502), nothing crashed, no log line
 * carries the API key, and the heap after GC is within 10 % of the baseline taken after a warm-up.
 */
import autocannon from 'autocannon';
import { createServer } from 'node:http';
import OpenAI from 'openai';
import { createSessionHandler, toNodeListener, type RequestContext } from '../src/server/index.js';
import { startFakeSessionsApi, type Fault } from '../test/fixtures/fake-sessions-api.js';
import { listen } from '../test/fixtures/listen.js';

const WARMUP_REQUESTS = 500;
/** The measured run sends as many requests as the warm-up rate allows in this time (bounded below and above). */
const RUN_SECONDS = 12;
const RUN_REQUESTS = { min: 1_000, max: 100_000 };
/** Hard stop for a run, whatever the machine does. */
const RUN_DEADLINE_SECONDS = 16;
const CONNECTIONS = 50;
const HEAP_LIMIT = 0.1;
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

let crashes = 0;
process.on('uncaughtException', (error) => {
  crashes += 1;
  console.error('uncaught exception:', error);
});
process.on('unhandledRejection', (error) => {
  crashes += 1;
  console.error('unhandled rejection:', error);
});

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
  timeout: 5_000,
  rateLimit: { perIp: { limit: 1_000_000_000, windowMs: 60_000 } },
  logger: { warn: log, error: log },
});

/** Statuses the handler answered, per scenario (counted on the server side, where the scenario is known). */
const tally = new Map<string, Map<number, number>>();
const counted = Object.assign(
  async (request: Request, context: RequestContext) => {
    const response = await handler(request, context);
    const scenario = request.headers.get('x-loadtest-scenario') ?? 'none';
    const statuses = tally.get(scenario) ?? new Map<number, number>();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    tally.set(scenario, statuses);
    return response;
  },
  { paths: handler.paths },
);
const server = createServer(toNodeListener(counted));
let serverErrors = 0;
server.on('clientError', () => (serverErrors += 1));
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
  total: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statuses: Array<[string, number]>;
  stopped: boolean;
}

/** Sends `amount` requests (every one is answered before the run ends, so none is cut off), stopping at the deadline. */
function run(amount: number): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    let stopped = false;
    const instance = autocannon({ url, connections: CONNECTIONS, amount, requests, timeout: 10 }, (error, result) => {
      clearTimeout(deadline);
      if (error) return reject(error);
      resolve({
        rps: result.requests.average,
        total: result.requests.total,
        seconds: result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        errors: result.errors,
        timeouts: result.timeouts,
        statuses: Object.entries(result.statusCodeStats ?? {}).map(([status, { count = 0 }]) => [status, count]),
        stopped,
      });
    });
    const deadline = setTimeout(() => {
      stopped = true;
      instance.stop();
    }, RUN_DEADLINE_SECONDS * 1000);
  });
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i += 1) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const started = performance.now();

console.log(`managed-chatkit load test: autocannon → Node adapter → OpenAI SDK → fake sessions API (127.0.0.1, latency 2–20 ms, 500s, resets)`);
console.log(`warm-up: ${WARMUP_REQUESTS} requests …`);
const warmup = await run(WARMUP_REQUESTS);
tally.clear();
logLines = 0;
const upstreamBefore = fake.count;
const baseline = await heapAfterGc();

const amount = Math.min(RUN_REQUESTS.max, Math.max(RUN_REQUESTS.min, Math.round((warmup.total / warmup.seconds) * RUN_SECONDS)));
console.log(`run: ${amount} requests over ${CONNECTIONS} connections (≈ ${RUN_SECONDS} s at the warm-up rate) …`);
const result = await run(amount);
const after = await heapAfterGc();
await close();
await fake.close();

let unmapped = 0;
const lines: string[] = [];
for (const [scenario, { expected }] of Object.entries(SCENARIOS)) {
  const statuses = tally.get(scenario) ?? new Map<number, number>();
  const parts = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status} × ${count}`);
  for (const [status, count] of statuses) if (status !== expected) unmapped += count;
  lines.push(`  ${scenario.padEnd(13)} expected ${expected}: ${parts.join(', ') || 'none'}`);
}
for (const [scenario, statuses] of tally) {
  if (!(scenario in SCENARIOS)) for (const count of statuses.values()) unmapped += count;
}
const clientStatuses = result.statuses.map(([status, count]) => `${status} × ${count}`);
for (const [status, count] of result.statuses) if (status !== '200' && status !== '502') unmapped += count;
const growth = (after - baseline) / baseline;

console.log('');
console.log(`requests/s     ${Math.round(result.rps)} (${result.total} requests in ${result.seconds.toFixed(1)} s)`);
console.log(`latency        p50 ${result.p50} ms   p99 ${result.p99} ms   max ${result.max} ms`);
console.log('answers per scenario (server side):');
for (const line of lines) console.log(line);
console.log(`answers seen by autocannon: ${clientStatuses.join(', ')}`);
console.log(`upstream requests: ${fake.count - upstreamBefore} (failed ones retried once)`);
console.log(`unmapped answers (status outside the mapping): ${unmapped}`);
console.log(`client errors / timeouts / server client errors: ${result.errors} / ${result.timeouts} / ${serverErrors}`);
console.log(`crashes (uncaught exceptions, unhandled rejections): ${crashes}`);
console.log(`log lines: ${logLines} (one per failed upstream call), carrying the API key or a client secret: ${secretsInLogs}`);
console.log(`heap after GC: baseline ${mb(baseline)}, after ${mb(after)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %, limit +${HEAP_LIMIT * 100} %)`);
console.log(`total time ${((performance.now() - started) / 1000).toFixed(1)} s`);

const failures = [
  unmapped > 0 && `${unmapped} unmapped answers`,
  result.errors + result.timeouts + serverErrors > 0 && 'connection errors or timeouts',
  result.stopped && `run not finished within ${RUN_DEADLINE_SECONDS} s`,
  crashes > 0 && `${crashes} crashes`,
  secretsInLogs > 0 && 'secrets in log lines',
  growth > HEAP_LIMIT && `heap grew ${(growth * 100).toFixed(1)} %`,
  result.total === 0 && 'no requests completed',
].filter(Boolean);
console.log(failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`);
process.exit(failures.length === 0 ? 0 : 1);
