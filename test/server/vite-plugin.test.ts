import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatkitSessions } from '../../src/server/index.js';
import { startFakeSessionsApi, type FakeSessionsApi } from '../fixtures/fake-sessions-api.js';
import { captureLogger, fakeClient, TEST_COOKIE_SECRET, TEST_WORKFLOW } from '../fixtures/session-harness.js';

let root: string;
let fake: FakeSessionsApi;
let server: ViteDevServer | PreviewServer | undefined;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'managed-chatkit-vite-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>dev</title>');
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'index.html'), '<!doctype html><title>preview</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(async () => {
  fake = await startFakeSessionsApi();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
  await fake.close();
});

function plugin() {
  return chatkitSessions({ openai: fakeClient(fake), workflowId: TEST_WORKFLOW, cookieSecret: TEST_COOKIE_SECRET, logger: captureLogger() });
}

function baseUrl(started: ViteDevServer | PreviewServer): string {
  const url = started.resolvedUrls?.local[0];
  if (!url) throw new Error('Vite did not report a local URL');
  return url.replace(/\/$/, '');
}

async function start(url: string): Promise<Response> {
  return fetch(`${url}/api/chatkit/start`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
}

describe('chatkitSessions Vite plugin', () => {
  it('serves the session routes from the dev server and leaves other paths to Vite', async () => {
    const dev = await createServer({ configFile: false, root, logLevel: 'silent', server: { host: '127.0.0.1', port: 0 }, plugins: [plugin()] });
    server = dev;
    await dev.listen();
    const url = baseUrl(dev);

    const response = await start(url);
    expect(response.status).toBe(200);
    expect((await response.json()) as object).toHaveProperty('client_secret', expect.stringMatching(/^ek_fake_/));
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>dev</title>');
  });

  it('serves the session routes from the preview server', async () => {
    const previewServer = await preview({ configFile: false, root, logLevel: 'silent', preview: { host: '127.0.0.1', port: 0 }, plugins: [plugin()] });
    server = previewServer;
    const url = baseUrl(previewServer);

    expect((await start(url)).status).toBe(200);
    expect(await (await fetch(`${url}/`)).text()).toContain('<title>preview</title>');
  });

  it("logs through Vite's logger when no logger is given", async () => {
    const warnings: string[] = [];
    const customLogger = { ...createLogger('silent'), warn: (message: string) => void warnings.push(message) };
    const withoutSecret = chatkitSessions({ openai: fakeClient(fake), workflowId: TEST_WORKFLOW, cookieSecret: undefined });
    vi.stubEnv('CHATKIT_COOKIE_SECRET', '');
    const dev = await createServer({ configFile: false, root, customLogger, server: { host: '127.0.0.1', port: 0 }, plugins: [withoutSecret] });
    server = dev;
    await dev.listen();
    expect((await start(baseUrl(dev))).status).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^managed-chatkit: no cookieSecret or CHATKIT_COOKIE_SECRET/);
  });
});
