// @vitest-environment node
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManagedChatKitError } from '../../src/errors.js';
import { load } from '../../src/on-demand.js';
import { SessionClient, type SessionConfig } from '../../src/session-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Seen {
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

let base = '';
let handler: Handler;
let seen: Seen[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    seen.push({ path: req.url!, body: body ? JSON.parse(body) : undefined, headers: req.headers });
    handler(req, res, body);
  });
});

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};
const ok: Handler = (req, res) => json(res, 200, { client_secret: `ek_${seen.length}`, expires_at: 1 });

// Failures are worded by a chunk the element fetches on its first one; with it in, every error is worded as it is made.
beforeAll(() => load(['failureMessages']));

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  handler = ok;
});

function client(config: Partial<SessionConfig> = {}, maxPrefetchAge?: number) {
  const errors: ManagedChatKitError[] = [];
  const session = new SessionClient(
    () => ({ startUrl: `${base}/start`, refreshUrl: `${base}/refresh`, credentials: 'same-origin', timeout: 2000, ...config }),
    (error) => errors.push(error),
    maxPrefetchAge,
  );
  return { session, errors };
}

describe('SessionClient requests', () => {
  it('POSTs an empty JSON body to start-url when ChatKit has no secret', async () => {
    const { session } = client({ headers: { 'X-CSRF-Token': 'csrf-1' } });
    await expect(session.getClientSecret(null)).resolves.toBe('ek_1');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: '/start', body: {} });
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(seen[0].headers['x-csrf-token']).toBe('csrf-1');
  });

  it('POSTs {"currentClientSecret"} to refresh-url to refresh, with the workflow when set', async () => {
    const { session } = client({ workflowId: 'wf_123' });
    await session.getClientSecret('ek_old');
    expect(seen[0]).toMatchObject({ path: '/refresh', body: { currentClientSecret: 'ek_old', workflow: { id: 'wf_123' } } });
  });

  it('shares one request between concurrent calls for the same purpose', async () => {
    const { session } = client();
    const secrets = await Promise.all([session.getClientSecret(null), session.getClientSecret(null), session.getClientSecret('a'), session.getClientSecret('a')]);
    expect(seen.map((s) => s.path).sort()).toEqual(['/refresh', '/start']);
    expect(secrets[0]).toBe(secrets[1]);
    expect(secrets[2]).toBe(secrets[3]);
    await session.getClientSecret(null);
    expect(seen).toHaveLength(3);
  });
});

describe('SessionClient bad answers', () => {
  const cases: Array<[string, Handler, RegExp, number | undefined, boolean]> = [
    ['a 500 with {"error": "…"}', (_, res) => json(res, 500, { error: 'db down' }), /start-url .*\/start answered 500 Internal Server Error: "db down"/, 500, true],
    ['a 401 with {"error": {"message"}}', (_, res) => json(res, 401, { error: { message: 'login first' } }), /answered 401 Unauthorized: "login first"/, 401, false],
    ['a 429 with {"message"}', (_, res) => json(res, 429, { message: 'slow down' }), /answered 429 Too Many Requests: "slow down"/, 429, true],
    ['a 502 HTML page', (_, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><title>Bad Gateway</title><body>nginx</body></html>'), /answered 502 Bad Gateway: "Bad Gateway"\. Check the server behind start-url/, 502, true],
    ['a 200 HTML page', (_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>Welcome</h1>'), /answered 200 OK with a body that is not JSON \(text\/html\): "<!doctype html><h1>Welcome<\/h1>"\. Point start-url at your session endpoint/, 200, false],
    ['200 JSON without client_secret', (_, res) => json(res, 200, { token: 'x' }), /without a non-empty string "client_secret" \(keys: token\)/, 200, false],
    ['a numeric client_secret', (_, res) => json(res, 200, { client_secret: 42 }), /without a non-empty string "client_secret"/, 200, false],
    ['an empty client_secret', (_, res) => json(res, 200, { client_secret: '' }), /without a non-empty string "client_secret"/, 200, false],
    ['a body over 1 MB', (_, res) => json(res, 200, { client_secret: 'x'.repeat(2 << 20) }), /with a body over 1048576 bytes/, 200, false],
  ];

  it.each(cases)('%s → a session error with message, status and retryable, reported once', async (_, answer, message, status, retryable) => {
    handler = answer;
    const { session, errors } = client();
    const error = await session.getClientSecret(null).catch((e: ManagedChatKitError) => e);
    expect(error).toMatchObject({ phase: 'session', status, retryable });
    expect((error as Error).message).toMatch(message);
    await Promise.resolve();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(error);
  });

  it('quotes at most ~200 characters of an unexpected body', async () => {
    handler = (_, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('y'.repeat(5000));
    const { session } = client();
    const error = (await session.getClientSecret(null).catch((e) => e)) as Error;
    expect(error.message).toContain(`"${'y'.repeat(200)}…"`);
    expect(error.message.length).toBeLessThan(400);
  });

  it('names the timeout attribute when the server does not answer in time', async () => {
    handler = () => {}; // never answers
    const { session } = client({ timeout: 100 });
    await expect(session.getClientSecret(null)).rejects.toMatchObject({
      phase: 'session',
      retryable: true,
      message: expect.stringMatching(/start-url .*\/start did not answer within 100 ms \(timeout attribute\)/),
    });
  });

  it('says the server could not be reached when the connection is refused', async () => {
    const { session } = client({ startUrl: 'http://127.0.0.1:9/start' });
    await expect(session.getClientSecret(null)).rejects.toMatchObject({
      phase: 'session',
      retryable: true,
      message: expect.stringMatching(/Could not reach start-url http:\/\/127\.0\.0\.1:9\/start/),
    });
  });
});

describe('SessionClient prefetch', () => {
  it('hands a prefetched secret to the first getClientSecret(null), once', async () => {
    const { session } = client();
    session.prefetch();
    expect(seen).toHaveLength(0); // request is in flight, not answered yet
    await expect(session.getClientSecret(null)).resolves.toBe('ek_1');
    expect(seen).toHaveLength(1);
    await expect(session.getClientSecret(null)).resolves.toBe('ek_2');
    expect(seen).toHaveLength(2);
  });

  it('does not hand out a prefetched secret older than the bound', async () => {
    const { session } = client({}, 50);
    session.prefetch();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(seen).toHaveLength(1);
    await expect(session.getClientSecret(null)).resolves.toBe('ek_2');
    expect(seen).toHaveLength(2);
  });

  it('does not use a prefetched start secret for a refresh', async () => {
    const { session } = client();
    session.prefetch();
    await session.getClientSecret('ek_old');
    expect(seen.map((s) => s.path).sort()).toEqual(['/refresh', '/start']);
    expect(session.hasPrefetched).toBe(true);
  });

  it('reports a failed prefetch only when ChatKit takes it', async () => {
    handler = (_, res) => json(res, 500, { error: 'nope' });
    const { session, errors } = client();
    session.prefetch();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toHaveLength(0);
    await expect(session.getClientSecret(null)).rejects.toMatchObject({ status: 500 });
    expect(errors).toHaveLength(1);
  });
});

describe('SessionClient abort', () => {
  it('cancels requests in flight without reporting them', async () => {
    handler = () => {};
    const { session, errors } = client();
    const pending = session.getClientSecret(null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    session.abort();
    await expect(pending).rejects.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toHaveLength(0);
  });
});
