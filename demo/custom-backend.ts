/**
 * The server half of demo/custom.html ("your own server"): `createChatKitHandler` with the demo's Agent and a store,
 * plus the signing secret that the demo's two handlers share.
 *
 * Store: `SqliteStore` in `.chatkit/demo.db` (gitignored) — the store `createChatKitHandler` uses when given none, so
 * the demo runs what a deployment runs, and threads survive a restart of `npm run demo` (which a MemoryStore would
 * lose, making persist-thread's "reopen after reload" look broken the first time the dev server restarts). Without
 * better-sqlite3 (an optional dependency, e.g. installed with `--omit=optional`) the demo falls back to a MemoryStore
 * and says so. `MANAGED_CHATKIT_DEMO_DB` picks another file (`:memory:` for none): the e2e test uses a temporary one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChatKitHandler, MemoryStore, SqliteStore, type ChatKitHandler, type SessionLogger, type Store } from '../src/server/index.js';
import { demoAgent } from './demo-agent.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the demo keeps its threads unless `MANAGED_CHATKIT_DEMO_DB` says otherwise. */
export const DEMO_DATABASE = resolve(ROOT, '.chatkit/demo.db');
const COOKIE_SECRET_FILE = resolve(ROOT, '.chatkit/demo-cookie-secret');

/** The path the demo serves the ChatKit protocol on: `<managed-chatkit api-url="/api/chatkit">`. */
export const DEMO_CHATKIT_PATH = '/api/chatkit';

export interface DemoChatKit {
  handler: ChatKitHandler;
  /** One line for the console: which model and store. */
  description: string;
  close(): Promise<void>;
}

/**
 * The user-cookie secret of both demo handlers (sessions and ChatKit share the `chatkit_user` cookie, so they must
 * sign it alike): `CHATKIT_COOKIE_SECRET`, else a random one kept in `.chatkit/demo-cookie-secret` so that a restarted
 * demo still recognises its visitors (and their stored threads).
 */
export async function demoCookieSecret(): Promise<string> {
  const fromEnv = process.env.CHATKIT_COOKIE_SECRET?.trim();
  if (fromEnv) return fromEnv;
  try {
    const kept = (await readFile(COOKIE_SECRET_FILE, 'utf8')).trim();
    if (kept.length >= 32) return kept;
  } catch {
    // first run
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dirname(COOKIE_SECRET_FILE), { recursive: true });
  await writeFile(COOKIE_SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The demo's store: SQLite when better-sqlite3 loads, else memory (see the module comment). */
async function demoStore(logger: SessionLogger): Promise<{ store: Store; description: string }> {
  const file = process.env.MANAGED_CHATKIT_DEMO_DB?.trim() || DEMO_DATABASE;
  try {
    await import('better-sqlite3');
  } catch {
    logger.warn('managed-chatkit demo: better-sqlite3 is not installed (an optional dependency): threads are kept in memory until the demo stops');
    return { store: new MemoryStore(), description: 'memory (better-sqlite3 is not installed)' };
  }
  const inside = relative(ROOT, resolve(file));
  const shown = file === ':memory:' || inside.startsWith('..') ? file : inside;
  return { store: new SqliteStore(file), description: `SQLite, ${shown}` };
}

/** `createChatKitHandler` as the demo mounts it: the demo Agent (fake model offline, real with `liveModel`). */
export async function createDemoChatKit(options: { liveModel: boolean; cookieSecret: string; logger: SessionLogger }): Promise<DemoChatKit> {
  const { store, description: storeDescription } = await demoStore(options.logger);
  const agent = demoAgent({ live: options.liveModel, storeDescription });
  const handler = createChatKitHandler({
    agent,
    store,
    path: DEMO_CHATKIT_PATH,
    cookieSecret: options.cookieSecret,
    logger: options.logger,
  });
  const model = options.liveModel ? `OpenAI model ${process.env.OPENAI_MODEL?.trim() || '(the Agents SDK default)'}` : 'offline fake model';
  return {
    handler,
    description: `${model}, threads in ${storeDescription}`,
    close: async () => {
      await handler.close();
      await store.close?.();
    },
  };
}
