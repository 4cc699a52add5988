/**
 * Session endpoint faults against a real fetch to the fake session middleware: every bad answer becomes one
 * `session` error with the right status and retryability, shown in the alert, and `retry()` recovers once the
 * endpoint is fixed. Refresh failures after a good start surface too, and clear either by the next good refresh or
 * by `retry()`.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { doubleSrc, doubles, innerDouble, scenario, untilState, until, type ChatKitDouble } from './helpers.js';
import { cleanupFaults, expectCleanPage, expectOneError, expectReady, mountRecorded, runFaultRow, watchPage, type ExpectedError, type Recovery } from './fault-helpers.js';

const SCRIPT = doubleSrc();

interface SessionRow {
  name: string;
  /** The start fault (see fake-session-middleware.mjs). */
  fault: string;
  expected: (s: ReturnType<typeof scenario>) => ExpectedError;
  timeout?: number;
  recovery?: Recovery;
}

const answered = (s: ReturnType<typeof scenario>, status: string) => ['start-url', `${s.startUrl} answered ${status}`];

const rows: SessionRow[] = [
  {
    name: 'start 401 is a non-retryable session error quoting the endpoint',
    fault: 'status:401',
    expected: (s) => ({ phase: 'session', status: 401, retryable: false, mentions: [...answered(s, '401'), '"fake 401 from the session endpoint"'] }),
  },
  {
    name: 'start 403 is a non-retryable session error quoting the endpoint',
    fault: 'status:403',
    expected: (s) => ({ phase: 'session', status: 403, retryable: false, mentions: [...answered(s, '403'), '"fake 403 from the session endpoint"'] }),
    recovery: 'retry button',
  },
  {
    name: 'start 404 is a non-retryable session error quoting {"error":{"message"}}',
    fault: 'json-error:404',
    expected: (s) => ({ phase: 'session', status: 404, retryable: false, mentions: [...answered(s, '404'), '"nested fake 404"'] }),
  },
  {
    name: 'start 429 is a retryable session error',
    fault: 'status:429',
    expected: (s) => ({ phase: 'session', status: 429, retryable: true, mentions: [...answered(s, '429'), '"fake 429 from the session endpoint"'] }),
    recovery: 'retry button',
  },
  {
    name: 'start 500 is a retryable session error',
    fault: 'status:500',
    expected: (s) => ({ phase: 'session', status: 500, retryable: true, mentions: [...answered(s, '500'), '"fake 500 from the session endpoint"'] }),
  },
  {
    name: 'start 503 with an HTML error page quotes its <title>',
    fault: 'html:503',
    expected: (s) => ({ phase: 'session', status: 503, retryable: true, mentions: [...answered(s, '503'), '"Welcome to nginx"'] }),
    recovery: 'retry button',
  },
  {
    name: 'start 200 with an HTML body says the body is not JSON and names its type',
    fault: 'html',
    expected: (s) => ({ phase: 'session', status: 200, retryable: false, mentions: [...answered(s, '200'), 'not JSON', 'text/html', 'Welcome to nginx'] }),
  },
  {
    name: 'start 200 JSON without client_secret lists the keys that came back',
    fault: 'no-secret',
    expected: (s) => ({ phase: 'session', status: 200, retryable: false, mentions: [...answered(s, '200'), '"client_secret"', 'keys: secret, expires_at'] }),
  },
  {
    name: 'start 200 with a numeric client_secret is refused',
    fault: 'number-secret',
    expected: (s) => ({ phase: 'session', status: 200, retryable: false, mentions: [...answered(s, '200'), 'non-empty string "client_secret"', 'keys: client_secret'] }),
    recovery: 'retry button',
  },
  {
    name: 'start 200 with an empty client_secret is refused',
    fault: 'empty-secret',
    expected: (s) => ({ phase: 'session', status: 200, retryable: false, mentions: [...answered(s, '200'), 'non-empty string "client_secret"', 'keys: client_secret'] }),
  },
  {
    name: 'start 200 with a 4 MB body is refused past 1 MB instead of buffered',
    fault: 'big',
    expected: (s) => ({ phase: 'session', status: 200, retryable: false, mentions: [...answered(s, '200'), 'body over 1048576 bytes'] }),
  },
  {
    name: 'start that never answers times out after the timeout attribute',
    fault: 'hang',
    timeout: 500,
    expected: (s) => ({ phase: 'session', retryable: true, mentions: ['start-url', `${s.startUrl} did not answer within 500 ms`, 'timeout attribute'] }),
    recovery: 'retry button',
  },
];

describe('<managed-chatkit> session faults', () => {
  afterEach(cleanupFaults);

  for (const row of rows) {
    it(row.name, async () => {
      const s = scenario('fault');
      await runFaultRow({
        name: row.name,
        attributes: { 'script-src': SCRIPT, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl, ...(row.timeout ? { timeout: String(row.timeout) } : {}) },
        arrange: () => s.fault({ start: row.fault }),
        expected: row.expected(s),
        whileFailed: async () => expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']),
        repair: () => s.fault({ start: 'ok' }),
        recovery: row.recovery ?? 'retry()',
        afterRecovery: async () => expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start', 'start']),
      });
    });
  }

  it('a refused connection to start-url is a retryable session error without status', async () => {
    const s = scenario('refused');
    const refused = 'http://127.0.0.1:9/api/chatkit/start';
    await runFaultRow({
      name: 'refused',
      attributes: { 'script-src': SCRIPT, 'start-url': refused, timeout: '3000' },
      expected: { phase: 'session', retryable: true, mentions: ['Could not reach start-url', refused, 'Failed to fetch'] },
      repair: (element) => {
        element.setAttribute('start-url', s.startUrl);
        element.setAttribute('refresh-url', s.refreshUrl);
      },
      recovery: 'retry()',
      afterRecovery: async () => expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']),
    });
  });
});

describe('<managed-chatkit> refresh faults after a good start', () => {
  afterEach(cleanupFaults);

  /** A ready element on `thread-42` whose next refresh answers 500, after ChatKit asked with its current secret. */
  async function failedRefresh() {
    const page = watchPage();
    const s = scenario('refresh');
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl });
    await untilState(element, 'ready');
    const first = innerDouble(element)!;
    await element.setThreadId('thread-42');
    await s.fault({ refresh: 'status:500' });
    const current = first.secret;
    expect(current).to.match(/^secret-start-\d+$/);
    expect(await first.expireSecret()).to.equal(null); // ChatKit was refused a secret
    await untilState(element, 'error');
    await expectOneError(element, recorder, {
      phase: 'session',
      status: 500,
      retryable: true,
      mentions: ['refresh-url', `${s.refreshUrl} answered 500`, '"fake 500 from the session endpoint"'],
    });
    const log = await s.log();
    expect(log.map((entry) => [entry.kind, entry.body])).to.deep.equal([
      ['start', {}],
      ['refresh', { currentClientSecret: current }],
    ]);
    expect(recorder.states).to.deep.equal([
      ['loading', 'idle'],
      ['ready', 'loading'],
      ['error', 'ready'],
    ]);
    return { page, s, element, recorder, first };
  }

  it('a refresh that fails surfaces a session error; the next good refresh clears it on the same ChatKit', async () => {
    const { page, s, element, recorder, first } = await failedRefresh();
    try {
      await s.fault({ refresh: 'ok' });
      const secret = await first.expireSecret();
      expect(secret).to.match(/^secret-refresh-\d+$/);
      await untilState(element, 'ready');
      await expectReady(element, /^secret-refresh-\d+$/);
      expect(element.chatkit).to.equal(first as unknown as typeof element.chatkit);
      expect(first.secretRequests).to.have.length(3);
      expect(recorder.errors).to.have.length(1);
      expect(recorder.states.at(-1)).to.deep.equal(['ready', 'error']);
      expect(recorder.states).to.have.length(4);
      await expectCleanPage(page);
    } finally {
      page.stop();
    }
  });

  it('a refresh that fails, then retry(): a new ChatKit with a fresh start reopens the same thread', async () => {
    const { page, s, element, recorder, first } = await failedRefresh();
    try {
      await s.fault({ refresh: 'ok' });
      element.retry();
      await untilState(element, 'ready');
      await expectReady(element);
      const second = innerDouble(element) as ChatKitDouble;
      expect(second).to.not.equal(first);
      expect(first.isConnected).to.equal(false);
      expect(doubles()!.instances.has(first)).to.equal(false);
      expect(second.secretRequests).to.deep.equal([null]);
      expect(second.options.initialThread).to.equal('thread-42');
      expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start', 'refresh', 'start']);
      expect(recorder.errors).to.have.length(1);
      expect(recorder.states.slice(3)).to.deep.equal([
        ['loading', 'error'],
        ['ready', 'loading'],
      ]);
      await until(() => second.calls.length === 0 && second.secret !== null, 'second ChatKit settled');
      await expectCleanPage(page);
    } finally {
      page.stop();
    }
  });
});
