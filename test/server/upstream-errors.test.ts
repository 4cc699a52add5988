import { describe, expect, it, vi } from 'vitest';
import { createSessionHandler } from '../../src/server/index.js';
import type { Fault } from '../fixtures/fake-sessions-api.js';
import { captureLogger, handlerFor, sessionRequest, TEST_API_KEY, TEST_COOKIE_SECRET, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();

const REQUEST_ID = /\(request id req_[0-9a-f]{24}\)/;

describe('OpenAI answers 4xx', () => {
  it('passes a 400 on with the same status and OpenAI\'s message, and logs it once with the request id', async () => {
    fake.setFault({ type: 'error', status: 400, message: "Invalid 'workflow.id': workflow wf_test_workflow does not exist." });
    const { handler, logger } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "OpenAI refused to create the ChatKit session (400): Invalid 'workflow.id': workflow wf_test_workflow does not exist.",
    });
    expect(fake.requests).toHaveLength(1);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^error managed-chatkit: OpenAI sessions API answered 400 \(request id req_[0-9a-f]{24}\): Invalid 'workflow.id'/);
  });

  it('passes a 401 on with the key in OpenAI\'s message scrubbed from the answer and the log', async () => {
    fake.setFault({
      type: 'error',
      status: 401,
      code: 'invalid_api_key',
      message: `Incorrect API key provided: ${TEST_API_KEY}. Also seen: sk-te*****************2j. You can find your API key at https://platform.openai.com/account/api-keys.`,
    });
    const { handler, logger } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error:
        'OpenAI refused to create the ChatKit session (401): Incorrect API key provided: [redacted]. Also seen: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.',
    });
    expect(logger.lines.join('\n')).not.toContain('sk-te');
  });

  it('passes a 429 on with its Retry-After and does not retry it', async () => {
    fake.setFault({ type: 'error', status: 429, headers: { 'retry-after': '7' } });
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({
      error: 'OpenAI refused to create the ChatKit session (429): Rate limit reached for requests. Please try again later.',
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a 429 retry-after-ms into whole seconds, and sends no Retry-After when OpenAI sent none', async () => {
    const { handler } = handlerFor(fake);
    fake.setFault({ type: 'error', status: 429, headers: { 'retry-after-ms': '1500' } });
    expect((await handler(sessionRequest('/api/chatkit/start'))).headers.get('retry-after')).toBe('2');
    fake.setFault({ type: 'error', status: 429 });
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBeNull();
  });
});

describe('OpenAI fails', () => {
  const failed500 = { error: 'The OpenAI API failed to create a ChatKit session (500); try again shortly' };
  const unreachable = { error: 'Could not reach the OpenAI API to create a ChatKit session; try again shortly' };

  it('answers a 500 with 502 after one retry, logging one line with status and request id', async () => {
    fake.setFault({ type: 'error', status: 500 });
    const { handler, logger } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual(failed500);
    expect(fake.requests).toHaveLength(2);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^error managed-chatkit: OpenAI sessions API answered 500 /);
    expect(logger.lines[0]).toMatch(REQUEST_ID);
    expect(logger.lines[0]).toContain('after 2 attempts');
  });

  it('succeeds when the retry after a 503 succeeds', async () => {
    let calls = 0;
    fake.setFault(() => (++calls === 1 ? { type: 'error', status: 503 } : undefined));
    const { handler, logger } = handlerFor(fake);
    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(logger.lines).toEqual([]);
  });

  it('does not retry with maxRetries: 0', async () => {
    fake.setFault({ type: 'error', status: 500 });
    const { handler } = handlerFor(fake, { maxRetries: 0 });
    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(502);
    expect(fake.requests).toHaveLength(1);
  });

  it('answers a reset connection with 502 after one retry', async () => {
    fake.setFault({ type: 'reset' });
    const { handler, logger } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual(unreachable);
    expect(fake.requests).toHaveLength(2);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^error managed-chatkit: could not reach the OpenAI sessions API after 2 attempts: \S+/);
  });

  it('answers 502 naming the timeout when OpenAI never answers, within the timeout', async () => {
    fake.setFault({ type: 'hang' });
    const { handler, logger } = handlerFor(fake, { timeout: 300 });
    const started = performance.now();
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'The OpenAI API did not answer within 300 ms (timeout option); try again shortly' });
    expect(logger.lines).toEqual(['error managed-chatkit: OpenAI sessions API did not answer within 300 ms']);
  });

  it('keeps one deadline across retries: slow failures are not retried past the timeout', async () => {
    fake.setFault({ type: 'error', status: 500, delayMs: 250 });
    const { handler } = handlerFor(fake, { timeout: 400, maxRetries: 5 });
    const started = performance.now();
    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(502);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fake.requests.length).toBeLessThanOrEqual(2);
  });

  it('answers a slow success within the timeout with 200', async () => {
    fake.setFault({ type: 'ok', delayMs: 150 });
    const { handler } = handlerFor(fake, { timeout: 2000 });
    expect((await handler(sessionRequest('/api/chatkit/start'))).status).toBe(200);
  });

  it('answers an HTML error page with 502', async () => {
    fake.setFault({ type: 'html', status: 502 });
    const { handler } = handlerFor(fake, { maxRetries: 0 });
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'The OpenAI API failed to create a ChatKit session (502); try again shortly' });
  });

  it('answers an HTML page with status 200 (a wrong baseURL) with 502 naming baseURL', async () => {
    fake.setFault({ type: 'html', status: 200 });
    const { handler, logger } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: "The OpenAI API answered without a client_secret and expires_at; check that the openai client's baseURL is the OpenAI API",
    });
    expect(logger.lines).toHaveLength(1);
  });

  it('answers an HTML 404 (a wrong baseURL) with 404 and a message instead of the page', async () => {
    fake.setFault({ type: 'html', status: 404 });
    const { handler } = handlerFor(fake);
    const response = await handler(sessionRequest('/api/chatkit/start'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "OpenAI refused to create the ChatKit session (404): no JSON error message in the answer (is the openai client's baseURL the OpenAI API?)",
    });
  });

  it('cancels the OpenAI request when the browser goes away', async () => {
    fake.setFault({ type: 'hang' });
    const { handler, logger } = handlerFor(fake, { timeout: 5000 });
    const browser = new AbortController();
    const request = new Request(sessionRequest('/api/chatkit/start'), { signal: browser.signal });
    const pending = handler(request);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    browser.abort();
    expect((await pending).status).toBe(499);
    expect(logger.lines).toEqual([]);
  });
});

describe('secrets', () => {
  const faults: Fault[] = [
    { type: 'ok' },
    { type: 'error', status: 400, message: `bad key ${TEST_API_KEY}` },
    { type: 'error', status: 401, message: `Incorrect API key provided: ${TEST_API_KEY}` },
    { type: 'error', status: 429, message: `slow down ${TEST_API_KEY}` },
    { type: 'error', status: 500, message: `oops ${TEST_API_KEY}` },
    { type: 'html', status: 200 },
    { type: 'reset' },
    { type: 'hang' },
  ];

  it('never puts the API key in an answer or a log line, and never logs a client secret', async () => {
    vi.stubEnv('OPENAI_BASE_URL', fake.url);
    const logger = captureLogger();
    const handler = createSessionHandler({ apiKey: TEST_API_KEY, workflowId: 'wf_x', cookieSecret: TEST_COOKIE_SECRET, logger, timeout: 300 });
    const seen: string[] = [];
    const secrets: string[] = [];
    for (const fault of faults) {
      fake.setFault(fault);
      const response = await handler(sessionRequest('/api/chatkit/start'));
      const text = await response.text();
      seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
      if (response.ok) secrets.push((JSON.parse(text) as { client_secret: string }).client_secret);
    }
    expect(fake.requests.every((request) => request.headers.authorization === `Bearer ${TEST_API_KEY}`)).toBe(true);
    expect(seen.map((line) => line.split(' ', 1)[0])).toEqual(['200', '400', '401', '429', '502', '502', '502', '502']);
    expect(seen.join('\n')).not.toContain(TEST_API_KEY);
    expect(logger.lines.length).toBeGreaterThanOrEqual(7);
    expect(logger.lines.join('\n')).not.toContain(TEST_API_KEY);
    expect(secrets).toHaveLength(1);
    expect(logger.lines.join('\n')).not.toContain(secrets[0]);
    expect(logger.lines.join('\n')).not.toMatch(/ek_/);
  });
});
