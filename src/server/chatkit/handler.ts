import type { RequestContext } from '../client-address.js';
import { checkOrigin, corsHeaders, preflightResponse } from '../cors.js';
import { redactingLogger, type SessionLogger } from '../logger.js';
import { resolveOptions, type ResolvedOptions } from '../options.js';
import { createRateLimiter, withRateLimitDefaults, type RateLimitOptions, type RateLimitRule } from '../rate-limit.js';
import { readJsonBody } from '../read-json-body.js';
import { HttpError, jsonResponse } from '../responses.js';
import { createUserCookie } from '../user-cookie.js';
import { loadAgents } from './agents-lazy.js';
import { createChatKitServer, type ChatKitHooks, type ChatKitServer, type Respond } from './server.js';
import { NotFoundError, StoreUnavailableError, type Store, type StoreContext } from './store/store.js';
import type { ThreadStreamEvent } from './types.js';
import { sseFrame } from './wire.js';

/** Where the default store keeps its file, relative to the working directory. */
export const DEFAULT_DATABASE_PATH = '.chatkit/chatkit.db';
const DEFAULT_PATH = '/api/chatkit';
/** ChatKit requests carry messages and, for dictation, base64 audio: 1 MiB by default. */
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * The limits of `createChatKitHandler` when `rateLimit` does not say otherwise. A ChatKit page makes many more requests
 * than the session routes (a thread list, a thread load, one request per message, feedback, retries): 120 a minute per
 * user and 600 a minute per address (an office or school behind one NAT address). Raise a rule with
 * `rateLimit: { perUser: { limit: 300, windowMs: 60_000 } }`, drop it with `perUser: false`, or all with `rateLimit: false`.
 */
export const CHATKIT_RATE_LIMIT_DEFAULTS: Readonly<{ perUser: RateLimitRule; perIp: RateLimitRule }> = Object.freeze({
  perUser: Object.freeze({ limit: 120, windowMs: 60_000 }),
  perIp: Object.freeze({ limit: 600, windowMs: 60_000 }),
});

/**
 * An `@openai/agents` Agent, typed by shape so that `managed-chatkit/server`'s types never require the SDK (an app
 * that only serves sessions type-checks without it). Any `new Agent({...})` fits.
 */
export interface AgentLike {
  readonly name: string;
  readonly tools: readonly unknown[];
  readonly handoffs: readonly unknown[];
}

/** Options of {@link createChatKitHandler}. Exactly one of `agent` and `respond` is required. */
export interface ChatKitHandlerOptions<TContext extends StoreContext = StoreContext> extends ChatKitHooks<TContext> {
  /**
   * An `@openai/agents` Agent (e.g. Agent Builder's "export to Agents SDK (TypeScript)"): each user message runs it
   * with the thread's history and streams its output (`agentResponder(agent)`). Needs `@openai/agents` installed.
   */
  agent?: AgentLike;
  /** Your own responder: thread, new user message (or `null`), context → ChatKit events. */
  respond?: Respond<TContext>;
  /**
   * Where threads, items and attachment metadata live. Default: `new SqliteStore('.chatkit/chatkit.db')`, created at
   * the first request (needs the optional dependency `better-sqlite3`).
   */
  store?: Store<TContext>;
  /**
   * The request's context; every thread and item is scoped to its `userId`. Default: `{ userId }` from the signed
   * user cookie that `createSessionHandler` also uses (created on the first request). Return `null` to refuse (401).
   */
  context?: (request: Request, requestContext: RequestContext) => TContext | null | undefined | Promise<TContext | null | undefined>;
  /** The path served (default `/api/chatkit`). */
  path?: string;
  /** Other origins whose pages may call this server with cookies, e.g. `['https://www.example.com']`. */
  allowedOrigins?: readonly string[];
  /** Set when a proxy sits in front of this server (`true` one proxy, a number that many); see createSessionHandler. */
  trustProxy?: boolean | number;
  /**
   * Per-user and per-address request limits. A rule left out keeps its default ({@link CHATKIT_RATE_LIMIT_DEFAULTS}:
   * 120/min per user, 600/min per address); `false` turns a rule off; `rateLimit: false` turns both off.
   */
  rateLimit?: RateLimitOptions | false;
  /** Name of the user-id cookie (default `chatkit_user`, shared with createSessionHandler). */
  cookieName?: string;
  /** Secret(s) of 32+ characters signing the user cookie (default `CHATKIT_COOKIE_SECRET`). */
  cookieSecret?: string | readonly string[];
  /** Receives warnings and one line per unexpected failure (default `console`). */
  logger?: SessionLogger;
  /** Largest accepted request body in bytes (default 1 048 576). */
  maxBodyBytes?: number;
  /** Milliseconds allowed for reading a request body before a 408 (default 10 000): slow clients cannot hold connections. */
  bodyTimeout?: number;
  /** Longest the user cookie is accepted after it was signed, in seconds (default one year). */
  cookieMaxAgeSeconds?: number;
  /** Read and upgrade user cookies of managed-chatkit 0.1.0 (default `true`), as `createSessionHandler` does. */
  legacyCookies?: boolean;
}

/** A Web-standard ChatKit server: `(request) => Promise<Response>`, with the path it serves for adapters. */
export interface ChatKitHandler {
  (request: Request, context?: RequestContext): Promise<Response>;
  /** `[path]`: adapters pass other paths on to the next middleware. */
  readonly paths: readonly string[];
  /** Closes the default store if this handler opened it (graceful shutdown, tests); a `store` you passed is yours to close. */
  close(): Promise<void>;
}

function fail(message: string): never {
  throw new TypeError(`managed-chatkit: createChatKitHandler: ${message}`);
}

/**
 * Creates a ChatKit server for ChatKit's custom-backend mode (`<managed-chatkit api-url domain-key>`): `POST path`
 * with a ChatKit request answers `text/event-stream` for the streaming requests and JSON for the others, exactly as
 * OpenAI's ChatKit Python SDK does. Refusals are `{"error": "…"}` with 400/401/403/404/405/413/415/429/501/503.
 * See docs/chatkit-server.md.
 * @throws {TypeError} at creation for invalid options (e.g. neither or both of `agent` and `respond`).
 */
export function createChatKitHandler<TContext extends StoreContext = StoreContext>(options: ChatKitHandlerOptions<TContext>): ChatKitHandler {
  if ((options.agent === undefined) === (options.respond === undefined)) {
    fail('pass exactly one of `agent` (an @openai/agents Agent) or `respond` (thread, input, context, options) => AsyncIterable<ThreadStreamEvent>');
  }
  if (options.respond !== undefined && typeof options.respond !== 'function') fail('respond must be a function returning an async iterable of ChatKit events');
  const path = options.path ?? DEFAULT_PATH;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) fail(`path must be a URL path starting with "/" (no query), got ${JSON.stringify(path)}`);

  const config = sharedOptions(options);
  const logger = redactingLogger(options.logger ?? console, config.knownSecrets);
  const rateLimit = withRateLimitDefaults(options.rateLimit, CHATKIT_RATE_LIMIT_DEFAULTS);
  const limiter = rateLimit ? createRateLimiter(rateLimit, config.trustProxy, logger) : undefined;
  const cookie = createUserCookie({
    name: config.cookieName,
    secrets: config.cookieSecrets,
    logger,
    maxAgeSeconds: config.cookieMaxAgeSeconds,
    legacy: options.legacyCookies ?? true,
  });

  let engine: Promise<ChatKitServer<TContext>> | undefined;
  let ownStore: Store | undefined;
  const getEngine = () =>
    (engine ??= buildEngine(options, logger, (store) => (ownStore = store)).catch((error: unknown) => {
      engine = undefined; // e.g. better-sqlite3 installed after the first failure: try again on the next request
      throw error;
    }));

  async function contextFor(request: Request, requestContext: RequestContext): Promise<{ context: TContext; setCookies: string[] }> {
    if (options.context) {
      const context = await options.context(request, requestContext);
      if (context === null || context === undefined) throw new HttpError(401, 'Sign in first: this site\'s context(request) found no signed-in user for this request');
      if (typeof context.userId !== 'string' || context.userId === '') {
        throw new HttpError(500, 'createChatKitHandler\'s context(request) must return an object with a non-empty string userId');
      }
      return { context, setCookies: [] };
    }
    // The same policy as createSessionHandler: a Set-Cookie only for a new id or a cookie due for re-signing.
    const user = await cookie.resolve(request);
    return { context: { userId: user.id } as TContext, setCookies: user.setCookies };
  }

  async function serve(request: Request, requestContext: RequestContext): Promise<Response> {
    const body = await readBody(request, config.maxBodyBytes, config.bodyTimeout);
    await limiter?.checkAddress(request, requestContext);
    const { context, setCookies } = await contextFor(request, requestContext);
    await limiter?.checkUser(context.userId);
    const server = await getEngine();

    const cancel = new AbortController();
    const onDisconnect = () => cancel.abort(request.signal.reason);
    if (request.signal.aborted) onDisconnect();
    else request.signal.addEventListener('abort', onDisconnect, { once: true });

    const result = await server.process(body, context, { signal: cancel.signal });
    const cookies = setCookies.map((value): [string, string] => ['Set-Cookie', value]);
    if (!result.streaming) {
      request.signal.removeEventListener('abort', onDisconnect);
      return jsonResponse(200, result.json, cookies);
    }
    const headers = new Headers({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    for (const [name, value] of cookies) headers.append(name, value);
    const stream = eventStream(result.events, cancel, logger, () => request.signal.removeEventListener('abort', onDisconnect));
    return new Response(stream, { status: 200, headers });
  }

  const handler = async (request: Request, requestContext: RequestContext = {}): Promise<Response> => {
    let corsOrigin: string | undefined;
    try {
      const { pathname } = new URL(request.url);
      if (pathname !== path) throw new HttpError(404, `No ChatKit server at ${pathname}: POST ChatKit requests to ${path}`);
      corsOrigin = checkOrigin(request, config.allowedOrigins, config.trustProxy > 0);
      if (request.method === 'OPTIONS' && corsOrigin) return preflightResponse(corsOrigin, request);
      if (request.method !== 'POST') throw new HttpError(405, `${request.method} is not allowed on ${pathname}: ChatKit requests are POSTed`, { Allow: 'POST' });
      return withCors(await serve(request, requestContext), corsOrigin);
    } catch (error) {
      const refusal = toHttpError(error, logger);
      return withCors(jsonResponse(refusal.status, { error: refusal.message }, Object.entries(refusal.headers)), corsOrigin);
    }
  };
  const close = async () => {
    const store = ownStore;
    ownStore = undefined;
    engine = undefined;
    await store?.close?.();
  };
  return Object.assign(handler, { paths: Object.freeze([path]), close });
}

/** Validates the options shared with createSessionHandler through its own validation (one set of rules). */
function sharedOptions<TContext extends StoreContext>(options: ChatKitHandlerOptions<TContext>): ResolvedOptions {
  try {
    return resolveOptions({
      allowedOrigins: options.allowedOrigins,
      trustProxy: options.trustProxy,
      rateLimit: options.rateLimit,
      cookieName: options.cookieName,
      cookieSecret: options.cookieSecret,
      cookieMaxAgeSeconds: options.cookieMaxAgeSeconds,
      legacyCookies: options.legacyCookies,
      bodyTimeout: options.bodyTimeout,
      logger: options.logger,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(error.message.replace('createSessionHandler', 'createChatKitHandler'));
    throw error;
  }
}

/** The store (default SqliteStore) and responder (default agentResponder), loaded on first use. */
async function buildEngine<TContext extends StoreContext>(
  options: ChatKitHandlerOptions<TContext>,
  logger: SessionLogger,
  opened: (store: Store) => void,
): Promise<ChatKitServer<TContext>> {
  let respond = options.respond;
  if (!respond) {
    const agents = await loadAgents(); // first, so that a missing SDK does not leave a store opened behind
    respond = agents.agentResponder<TContext>(options.agent as Parameters<typeof agents.agentResponder>[0]) as Respond<TContext>;
  }
  let store = options.store;
  if (!store) {
    const created = await defaultStore();
    opened(created);
    store = created as unknown as Store<TContext>;
  }
  return createChatKitServer<TContext>({ ...options, store, respond, logger });
}

async function defaultStore(): Promise<Store> {
  const { SqliteStore } = await import('./store/sqlite-store.js');
  return new SqliteStore(DEFAULT_DATABASE_PATH);
}

/** The body as JSON, with refusals worded for ChatKit requests. */
async function readBody(request: Request, maxBytes: number, timeout: number): Promise<Record<string, unknown>> {
  try {
    return await readJsonBody(request, maxBytes, { timeout });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.status === 413) throw new HttpError(413, `The request body is larger than ${maxBytes} bytes: raise createChatKitHandler's maxBodyBytes if your requests (e.g. dictation audio) need more`);
    if (error.status === 400 && /not valid JSON/.test(error.message)) {
      throw new HttpError(400, 'The request body is not valid JSON: send a ChatKit request such as {"type": "threads.list", "params": {}}');
    }
    if (error.status === 400 && /must be a JSON object/.test(error.message)) {
      throw new HttpError(400, 'The request body must be a JSON object: send a ChatKit request such as {"type": "threads.list", "params": {}}');
    }
    throw error;
  }
}

/** Maps any failure to the refusal the client sees; only unexpected errors are logged, with their stack. */
function toHttpError(error: unknown, logger: SessionLogger): HttpError {
  if (error instanceof HttpError) {
    if (error.status >= 500) logger.error(`ChatKit request refused: ${error.message}`);
    // The shared rate limiter words its refusal for the session routes.
    if (error.status === 429) return new HttpError(429, error.message.replace('session requests', 'ChatKit requests'), { ...error.headers });
    return error;
  }
  if (error instanceof NotFoundError) return new HttpError(404, error.message);
  if (error instanceof StoreUnavailableError) {
    logger.error(`ChatKit store unavailable: ${error.message}`);
    return new HttpError(503, 'The chat store is unavailable right now; try again shortly', { 'Retry-After': '5' });
  }
  logger.error(`unexpected error while handling a ChatKit request: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new HttpError(500, 'Internal error while handling the ChatKit request; the server log has details');
}

/**
 * The events as SSE bytes, one `data: <json>\n\n` chunk per event, produced as fast as the client reads (the engine
 * waits while the stream's queue is full). The engine is driven to its end even after the client left, so the
 * cancel path runs and saves what was produced; a consumer cancelling the body aborts the responder too.
 */
function eventStream(events: AsyncIterable<ThreadStreamEvent>, cancel: AbortController, logger: SessionLogger, done: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let open = true;
  let wakeProducer: (() => void) | undefined;
  const wake = () => {
    wakeProducer?.();
    wakeProducer = undefined;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        cancel.signal.addEventListener('abort', wake, { once: true });
        const send = async (event: unknown) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(sseFrame(event)));
          } catch {
            open = false;
            return;
          }
          // Wait for the reader; a client that left (signal aborted) is not waited for.
          while (open && !cancel.signal.aborted && (controller.desiredSize ?? 1) <= 0) await new Promise<void>((resolve) => (wakeProducer = resolve));
        };
        void (async () => {
          try {
            for await (const event of events) await send(event);
          } catch (error) {
            // A failure outside the responder (e.g. the store while saving the user message): say so, keep the log.
            logger.error(`ChatKit stream failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            await send({ type: 'error', code: 'stream.error', allow_retry: true });
          } finally {
            done();
            if (open) {
              open = false;
              try {
                controller.close();
              } catch {
                // already errored or cancelled
              }
            }
          }
        })();
      },
      pull: wake,
      cancel() {
        open = false;
        wake();
        cancel.abort();
      },
    },
    { highWaterMark: 16 },
  );
}

/** Adds the CORS headers for a listed cross-origin caller; same-origin answers are left as they are. */
function withCors(response: Response, origin: string | undefined): Response {
  if (origin) for (const [name, value] of corsHeaders(origin)) response.headers.append(name, value);
  return response;
}
