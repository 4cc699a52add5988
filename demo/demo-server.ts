import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { transform } from 'esbuild';
import OpenAI from 'openai';
import type { Plugin } from 'vite';
import { createSessionHandler, toNodeListener, type SessionLogger } from '../src/server/index.js';
import { startFakeSessionsApi, type FakeSessionsApi } from '../test/fixtures/fake-sessions-api.js';
import { createDemoChatKit, demoCookieSecret, type DemoChatKit } from './custom-backend.js';

/** Where the offline demo serves the local ChatKit double from. */
const DOUBLE_PATH = '/demo/offline/chatkit.js';

/** The page that runs ChatKit against the demo's own ChatKit server (custom-backend mode). */
const CUSTOM_PAGE = /\/custom\.html$/;

/**
 * `npm run demo`: the demo pages with the session handler (hosted mode) and a ChatKit server (custom-backend mode,
 * demo/custom.html) mounted on Vite's dev server. `MANAGED_CHATKIT_DEMO=offline` forces offline everywhere.
 * - Hosted pages: live when `OPENAI_API_KEY` and `CHATKIT_WORKFLOW_ID` are set (ChatKit's CDN script, real sessions);
 *   offline otherwise: the local ChatKit double, and the real handler and `openai` SDK talking to a loopback fake of
 *   the sessions API — everything real except OpenAI itself.
 * - The custom page: `createChatKitHandler` at `/api/chatkit` runs an `@openai/agents` Agent — a real OpenAI model
 *   with `OPENAI_API_KEY` (`OPENAI_MODEL`, else the SDK's default), an offline fake model without. ChatKit's CDN script
 *   with `CHATKIT_DOMAIN_KEY` (this hostname must be on that key's domain allowlist), the double without.
 * Also serves failure switches for demo/errors.html under `/demo/fail/…` and `/demo/upstream/…`.
 */
export function demoServer(): Plugin {
  const forcedOffline = process.env.MANAGED_CHATKIT_DEMO === 'offline';
  const live = !forcedOffline && !!process.env.OPENAI_API_KEY && !!process.env.CHATKIT_WORKFLOW_ID;
  const liveModel = !forcedOffline && !!process.env.OPENAI_API_KEY;
  const domainKey = forcedOffline ? undefined : process.env.CHATKIT_DOMAIN_KEY?.trim() || undefined;
  let fake: FakeSessionsApi | null = null;
  let chatkit: DemoChatKit | null = null;

  return {
    name: 'managed-chatkit:demo',
    async configureServer(server) {
      const logger: SessionLogger = { warn: (line) => server.config.logger.warn(line), error: (line) => server.config.logger.warn(line) };
      if (!live) {
        fake = await startFakeSessionsApi({ record: false });
        server.httpServer?.once('close', () => void fake?.close());
      }
      // Both handlers read and issue the same `chatkit_user` cookie: they must sign it with the same secret.
      const cookieSecret = await demoCookieSecret();
      const handler = createSessionHandler(
        live
          ? { cookieSecret }
          : {
              cookieSecret,
              workflowId: 'wf_offline_demo',
              // The real SDK; only its base URL points at the loopback fake.
              openai: new OpenAI({ apiKey: 'sk-offline-demo', baseURL: fake!.url, maxRetries: 0 }),
              timeout: 4000,
              logger,
            },
      );
      server.middlewares.use(toNodeListener(handler));
      chatkit = await createDemoChatKit({ liveModel, cookieSecret, logger });
      const opened = chatkit;
      server.httpServer?.once('close', () => void opened.close().catch(() => {}));
      server.middlewares.use(toNodeListener(chatkit.handler));
      server.middlewares.use((req, res, next) => {
        route(req, res, live, fake).then((handled) => handled || next(), next);
      });
      server.config.logger.info(
        live
          ? '  managed-chatkit demo: LIVE — real ChatKit script and sessions for CHATKIT_WORKFLOW_ID'
          : '  managed-chatkit demo: OFFLINE — local ChatKit double and a fake sessions API (set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID for the real thing)',
      );
      server.config.logger.info(
        `  managed-chatkit demo, your own server (/demo/custom.html): ${chatkit.description}; ${domainKey ? 'ChatKit\'s CDN script with CHATKIT_DOMAIN_KEY' : 'local ChatKit double (set CHATKIT_DOMAIN_KEY for the real script)'}`,
      );
    },
    transformIndexHtml(html, context) {
      if (CUSTOM_PAGE.test(context.path)) return customPage(html, { liveModel, domainKey });
      const withScript = live ? html : html.replaceAll('<managed-chatkit', `<managed-chatkit script-src="${DOUBLE_PATH}"`);
      return withScript.replace('<body', `<body data-mode="${live ? 'live' : 'offline'}"`);
    },
  };
}

/**
 * demo/custom.html as served: with `CHATKIT_DOMAIN_KEY`, the real key and ChatKit's CDN script; without, the double
 * (which accepts any key). `data-model` and `data-chatkit` tell the page's banner what is real.
 */
function customPage(html: string, { liveModel, domainKey }: { liveModel: boolean; domainKey: string | undefined }): string {
  const attribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  const page = domainKey
    ? html.replace(/(<managed-chatkit\b[^>]*?\sdomain-key=")[^"]*"/, (_, start: string) => `${start}${attribute(domainKey)}"`)
    : html.replaceAll('<managed-chatkit', `<managed-chatkit script-src="${DOUBLE_PATH}"`);
  const mode = liveModel || domainKey ? 'live' : 'offline';
  return page.replace('<body', `<body data-mode="${mode}" data-model="${liveModel ? 'openai' : 'fake'}" data-chatkit="${domainKey ? 'cdn' : 'double'}"`);
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
