import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { transform } from 'esbuild';
import OpenAI from 'openai';
import type { Plugin } from 'vite';
import { createSessionHandler, toNodeListener } from '../src/server/index.js';
import { startFakeSessionsApi, type FakeSessionsApi } from '../test/fixtures/fake-sessions-api.js';

/** Where the offline demo serves the local ChatKit double from. */
const DOUBLE_PATH = '/demo/offline/chatkit.js';

/**
 * `npm run demo`: the demo pages with the session handler mounted on Vite's dev server.
 * - Live, when `OPENAI_API_KEY` and `CHATKIT_WORKFLOW_ID` are set: ChatKit's CDN script and real sessions.
 * - Offline otherwise (or with `MANAGED_CHATKIT_DEMO=offline`): the local ChatKit double, and the real handler and
 *   `openai` SDK talking to a loopback fake of the sessions API — everything real except OpenAI itself.
 * Also serves failure switches for demo/errors.html under `/demo/fail/…` and `/demo/upstream/…`.
 */
export function demoServer(): Plugin {
  const live = process.env.MANAGED_CHATKIT_DEMO !== 'offline' && !!process.env.OPENAI_API_KEY && !!process.env.CHATKIT_WORKFLOW_ID;
  let fake: FakeSessionsApi | null = null;

  return {
    name: 'managed-chatkit:demo',
    async configureServer(server) {
      if (!live) {
        fake = await startFakeSessionsApi({ record: false });
        server.httpServer?.once('close', () => void fake?.close());
      }
      const handler = createSessionHandler(
        live
          ? {}
          : {
              workflowId: 'wf_offline_demo',
              // The real SDK; only its base URL points at the loopback fake.
              openai: new OpenAI({ apiKey: 'sk-offline-demo', baseURL: fake!.url, maxRetries: 0 }),
              timeout: 4000,
              logger: { warn: (line) => server.config.logger.warn(line), error: (line) => server.config.logger.warn(line) },
            },
      );
      server.middlewares.use(toNodeListener(handler));
      server.middlewares.use((req, res, next) => {
        route(req, res, live, fake).then((handled) => handled || next(), next);
      });
      server.config.logger.info(
        live
          ? '  managed-chatkit demo: LIVE — real ChatKit script and sessions for CHATKIT_WORKFLOW_ID'
          : '  managed-chatkit demo: OFFLINE — local ChatKit double and a fake sessions API (set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID for the real thing)',
      );
    },
    transformIndexHtml(html) {
      const withScript = live ? html : html.replaceAll('<managed-chatkit', `<managed-chatkit script-src="${DOUBLE_PATH}"`);
      return withScript.replace('<body', `<body data-mode="${live ? 'live' : 'offline'}"`);
    },
  };
}

/** The demo's own routes; resolves true when it answered. */
async function route(req: IncomingMessage, res: ServerResponse, live: boolean, fake: FakeSessionsApi | null): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://demo.local');
  if (url.pathname === '/' || url.pathname === '/demo' || url.pathname === '/demo/') {
    res.writeHead(302, { Location: '/demo/index.html' }).end();
    return true;
  }
  if (url.pathname === DOUBLE_PATH) {
    const source = await readFile(new URL('../test/fixtures/chatkit-double.ts', import.meta.url), 'utf8');
    const { code } = await transform(source, { loader: 'ts', target: 'es2022' });
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(code);
    return true;
  }
  // Failure switches for demo/errors.html: a start-url that fails in a given way.
  const fail = /^\/demo\/fail\/(500|html|hang|no-secret)$/.exec(url.pathname);
  if (fail) {
    await drain(req);
    if (fail[1] === 'hang') {
      req.socket.once('close', () => res.destroy());
      return true;
    }
    if (fail[1] === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Page not found</title><h1>This is the site’s 404 page</h1>');
      return true;
    }
    const body = fail[1] === '500' ? { error: 'The session server is down (demo switch).' } : { token: 'not-what-the-element-wants' };
    res.writeHead(fail[1] === '500' ? 500 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    return true;
  }
  // Offline only: make the fake OpenAI fail, so the handler's upstream mapping shows (500 → 502, 429 → 429, …).
  const upstream = /^\/demo\/upstream\/(ok|500|429|401|hang)$/.exec(url.pathname);
  if (upstream && req.method === 'POST') {
    await drain(req);
    if (live || !fake) {
      res.writeHead(409, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'Upstream faults exist only in the offline demo.' }));
      return true;
    }
    const kind = upstream[1];
    fake.setFault(kind === 'ok' ? undefined : kind === 'hang' ? { type: 'hang' } : { type: 'error', status: Number(kind) });
    res.writeHead(204).end();
    return true;
  }
  return false;
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req);
}
