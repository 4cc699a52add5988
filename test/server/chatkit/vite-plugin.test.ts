import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatkitServer, MemoryStore } from '../../../src/server/index.js';
import { ChatKitClient, COOKIE_SECRET, readEvents, userInput } from './chatkit-client.js';

let root: string;
let server: ViteDevServer | undefined;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'managed-chatkit-vite-chatkit-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>dev</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('chatkitServer Vite plugin', () => {
  it('serves the ChatKit protocol on /api/chatkit, streams events as they come, and leaves other paths to Vite', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const plugin = chatkitServer({
      store: new MemoryStore(),
      cookieSecret: COOKIE_SECRET,
      logger: { warn() {}, error() {} },
      async *respond() {
        yield { type: 'progress_update', text: 'first' };
        await gate;
        yield { type: 'progress_update', text: 'second' };
      },
    });
    server = await createServer({ configFile: false, root, logLevel: 'silent', server: { host: '127.0.0.1', port: 0 }, plugins: [plugin] });
    await server.listen();
    const url = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
    const client = new ChatKitClient(`${url}/api/chatkit`);

    const response = await client.send({ type: 'threads.create', params: { input: userInput('Hi') } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const seen: string[] = [];
    for await (const event of readEvents(response)) {
      seen.push(event.type === 'progress_update' ? event.text : event.type);
      if (event.type === 'progress_update' && event.text === 'first') release(); // arrives before the responder ends
    }
    expect(seen).toEqual(['thread.created', 'thread.item.done', 'stream_options', 'first', 'second']);

    const list = await client.post({ type: 'threads.list', params: {} });
    expect(list.json.data).toHaveLength(1);
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('<title>dev</title>');
  });
});
