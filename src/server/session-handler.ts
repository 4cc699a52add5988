import type { RequestContext } from './client-address.js';
import { checkOrigin, corsHeaders, preflightResponse } from './cors.js';
import { redactingLogger } from './logger.js';
import { resolveOptions, type SessionHandlerOptions } from './options.js';
import { issuedSessionKey, MemoryIssuedSessionStore } from './issued-sessions.js';
import { createRateLimiter, withRateLimitDefaults } from './rate-limit.js';
import { readJsonBody } from './read-json-body.js';
import { HttpError, jsonResponse } from './responses.js';
import { cancelChatSession, createOpenAIClient, createSession, type SessionsClient } from './upstream.js';
import { createUserCookie } from './user-cookie.js';
import { chooseWorkflow } from './workflow.js';

/** A Web-standard request handler for the start and refresh routes; runs on Node, Deno, Bun and Workers. */
export interface SessionHandler {
  (request: Request, context?: RequestContext): Promise<Response>;
  /** The paths it serves (`[startPath, refreshPath]`); adapters pass anything else on to the next middleware. */
  readonly paths: readonly string[];
}

const MAX_CLIENT_SECRET_LENGTH = 2048;

/**
 * Creates the handler behind `<managed-chatkit>`'s `start-url` and `refresh-url`: `POST startPath` and
 * `POST refreshPath` answer `200 {"client_secret", "expires_at"}` for a new ChatKit session of the current user;
 * every refusal is `{"error": "…"}` with a status and a message that names the fix. See docs/server.md.
 * @throws {TypeError} at creation for an invalid option.
 */
export function createSessionHandler(options: SessionHandlerOptions = {}): SessionHandler {
  const config = resolveOptions(options);
  const logger = redactingLogger(options.logger ?? console, config.knownSecrets);
  const rateLimit = withRateLimitDefaults(options.rateLimit);
  const limiter = rateLimit ? createRateLimiter(rateLimit, config.trustProxy, logger) : undefined;
  const cookie = createUserCookie({
    name: config.cookieName,
    secrets: config.cookieSecrets, // keys load on first use
    logger,
    maxAgeSeconds: config.cookieMaxAgeSeconds,
    legacy: options.legacyCookies ?? true,
  });
  const issued = options.issuedSessions === false ? undefined : (options.issuedSessions ?? new MemoryIssuedSessionStore());
  let client = options.openai;

  function openai(): SessionsClient {
    if (client) return client;
    const apiKey = config.apiKey();
    if (!apiKey) {
      throw new HttpError(500, 'The OpenAI API key is missing: set OPENAI_API_KEY in the server environment or pass apiKey to createSessionHandler');
    }
    return (client = createOpenAIClient(apiKey, config.timeout));
  }

  /** The end user: from `userId(request)`, or the signed cookie (a new id and `Set-Cookie` when there is none). */
  async function endUser(request: Request, context: RequestContext): Promise<{ id: string; setCookies: string[] }> {
    if (options.userId) {
      const id = await options.userId(request, context);
      if (typeof id !== 'string' || id === '') {
        throw new HttpError(401, 'Sign in first: this site\'s userId(request) found no signed-in user for this request');
      }
      return { id, setCookies: [] };
    }
    return cookie.resolve(request); // a Set-Cookie only for a new id or a cookie due for re-signing
  }

  /**
   * For a refresh: the session being replaced, when this handler issued `currentClientSecret` (and still remembers it).
   * @throws {HttpError} 403 when it issued that secret to another user.
   */
  async function replacedSession(currentClientSecret: string, userId: string): Promise<{ key: string; sessionId: string } | undefined> {
    if (!issued) return undefined;
    const key = await issuedSessionKey(currentClientSecret);
    let known;
    try {
      known = await issued.get(key);
    } catch (error) {
      logger.error(`issued-session store failed, refresh not checked: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    if (!known) return undefined; // issued before a restart, by another instance without a shared store, or expired
    if (known.userId !== userId) {
      throw new HttpError(403, 'currentClientSecret is not one this server issued to this user: send the client secret of this browser\'s own session, or start a new one');
    }
    return { key, sessionId: known.sessionId };
  }

  /** Cancels the session a refresh replaced and forgets it; in the background of the answer, failures logged. */
  async function retire(replaced: { key: string; sessionId: string }, sessions: SessionsClient): Promise<void> {
    await cancelChatSession(sessions, replaced.sessionId, { timeout: config.timeout, logger, secrets: config.knownSecrets });
    try {
      await issued?.delete?.(replaced.key);
    } catch (error) {
      logger.error(`issued-session store failed to forget a replaced session: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function remember(secret: { client_secret: string; expires_at: number }, sessionId: string | undefined, userId: string): Promise<void> {
    if (!issued || !sessionId) return;
    const ttlMs = Math.max(1_000, secret.expires_at * 1000 - Date.now());
    try {
      await issued.set(await issuedSessionKey(secret.client_secret), { userId, sessionId }, ttlMs);
    } catch (error) {
      logger.error(`issued-session store failed, this session's refresh cannot be checked: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function issue(request: Request, context: RequestContext, refresh: boolean): Promise<Response> {
    const body = await readJsonBody(request, config.maxBodyBytes, { timeout: config.bodyTimeout });
    const current = body.currentClientSecret;
    if (refresh) {
      if (typeof current !== 'string' || current === '' || current.length > MAX_CLIENT_SECRET_LENGTH) {
        throw new HttpError(400, `currentClientSecret must be a non-empty string of at most ${MAX_CLIENT_SECRET_LENGTH} characters: send {"currentClientSecret": "<the secret being refreshed>"}`);
      }
    }
    const sessions = openai();
    const workflow = chooseWorkflow(body.workflow, config.workflowId(), config.allowClientWorkflow);
    await limiter?.checkAddress(request, context);
    const user = await endUser(request, context);
    await limiter?.checkUser(user.id);
    const replaced = refresh ? await replacedSession(current as string, user.id) : undefined;

    const { secret, sessionId } = await createSession(
      sessions,
      {
        workflow: { id: workflow },
        user: user.id,
        ...(config.expiresAfterSeconds !== undefined && { expires_after: { anchor: 'created_at', seconds: config.expiresAfterSeconds } }),
        ...(options.chatkitConfiguration && { chatkit_configuration: options.chatkitConfiguration }),
      },
      {
        timeout: config.timeout,
        maxRetries: config.maxRetries,
        signal: request.signal,
        logger,
        secrets: config.knownSecrets,
        exposeErrors: config.exposeErrors(),
      },
    );
    await remember(secret, sessionId, user.id);
    if (replaced) void retire(replaced, sessions);
    return jsonResponse(200, secret, user.setCookies.map((value) => ['Set-Cookie', value] as const));
  }

  const handler = async (request: Request, context: RequestContext = {}): Promise<Response> => {
    let corsOrigin: string | undefined;
    try {
      const { pathname } = new URL(request.url);
      if (pathname !== config.startPath && pathname !== config.refreshPath) {
        throw new HttpError(404, `No ChatKit session route at ${pathname}: POST to ${config.startPath} or ${config.refreshPath}`);
      }
      corsOrigin = checkOrigin(request, config.allowedOrigins, config.trustProxy > 0);
      if (request.method === 'OPTIONS' && corsOrigin) return preflightResponse(corsOrigin, request);
      if (request.method !== 'POST') {
        throw new HttpError(405, `${request.method} is not allowed on ${pathname}: use POST`, { Allow: 'POST' });
      }
      return withCors(await issue(request, context, pathname === config.refreshPath), corsOrigin);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        logger.error(`unexpected error while creating a ChatKit session: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      const refusal = error instanceof HttpError ? error : new HttpError(500, 'Internal error while creating a ChatKit session; the server log has details');
      return withCors(jsonResponse(refusal.status, { error: refusal.message }, Object.entries(refusal.headers)), corsOrigin);
    }
  };
  return Object.assign(handler, { paths: Object.freeze([config.startPath, config.refreshPath]) });
}

/** Adds the CORS headers for a listed cross-origin caller; same-origin answers are left as they are. */
function withCors(response: Response, origin: string | undefined): Response {
  if (origin) for (const [name, value] of corsHeaders(origin)) response.headers.append(name, value);
  return response;
}
