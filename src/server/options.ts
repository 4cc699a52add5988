import type { ChatSessionChatKitConfigurationParam } from 'openai/resources/beta/chatkit/index';
import type { RequestContext } from './client-address.js';
import { parseAllowedOrigins } from './cors.js';
import { readEnv } from './env.js';
import type { SessionLogger } from './logger.js';
import type { IssuedSessionStore } from './issued-sessions.js';
import type { RateLimitOptions, RateLimitRule } from './rate-limit.js';
import { HttpError } from './responses.js';
import type { SessionsClient } from './upstream.js';
import { DEFAULT_COOKIE_MAX_AGE_SECONDS, DEFAULT_COOKIE_NAME, MIN_SECRET_LENGTH } from './user-cookie.js';

/** Options of `createSessionHandler`. Every one is optional; environment variables are read at the first request. */
export interface SessionHandlerOptions {
  /** OpenAI API key. Default: `OPENAI_API_KEY`. Not needed when `openai` is given. */
  apiKey?: string;
  /** The ChatKit workflow (`wf_…`). Default: `CHATKIT_WORKFLOW_ID`. */
  workflowId?: string;
  /** A ready client (e.g. `new OpenAI({ baseURL })`); default one is built from `apiKey` on first use. */
  openai?: SessionsClient;
  /** ms allowed for creating a session at OpenAI, retries included (default 10 000). Past it: 502. */
  timeout?: number;
  /** Extra attempts after an OpenAI 5xx or connection failure, within `timeout` (default 1). */
  maxRetries?: number;
  /** Session lifetime in seconds (`expires_after`); OpenAI's default is 10 minutes. */
  expiresAfterSeconds?: number;
  /** Sent as `chatkit_configuration` (history, file upload, thread titling). */
  chatkitConfiguration?: ChatSessionChatKitConfigurationParam;
  /** Path of the start route (default `/api/chatkit/start`). */
  startPath?: string;
  /** Path of the refresh route (default `/api/chatkit/refresh`). */
  refreshPath?: string;
  /** Other origins whose pages may call these routes with cookies, e.g. `['https://www.example.com']`. */
  allowedOrigins?: readonly string[];
  /**
   * Set when a proxy sits in front of this server: `true` trusts one proxy, a number that many. The client address is
   * then the one the proxy appended to `X-Forwarded-For`, and the server's own origin comes from
   * `X-Forwarded-Proto` / `X-Forwarded-Host`. Default `false`.
   */
  trustProxy?: boolean | number;
  /**
   * Your own authentication: the signed-in user's stable id, or `null`/`undefined` to refuse with 401.
   * When given, no cookie is read or set.
   */
  userId?: (request: Request, context: RequestContext) => string | null | undefined | Promise<string | null | undefined>;
  /** Name of the user-id cookie (default `chatkit_user`; on https it is sent as `__Host-chatkit_user`). */
  cookieName?: string;
  /**
   * Longest a user-id cookie is accepted after it was signed, in seconds (default one year). The issue time is inside
   * the signed value; a cookie older than a day is re-signed on the next request, so active users never reach it.
   */
  cookieMaxAgeSeconds?: number;
  /**
   * Read user-id cookies of managed-chatkit 0.1.0 (`<id>.<signature>`, no issue time, no `__Host-` prefix) once and
   * upgrade them (default `true`). Turn off once returning users have been upgraded, or right away when people you do
   * not trust control subdomains of your site. See docs/server.md.
   */
  legacyCookies?: boolean;
  /**
   * Secret(s) of 32+ characters that sign the user-id cookie; the first signs, all verify (rotation).
   * Default: `CHATKIT_COOKIE_SECRET`; without one a random per-process key is used and cookies die with the process.
   */
  cookieSecret?: string | readonly string[];
  /** Let the browser's `workflow.id` pick the workflow: `true` any, or a list of ids (default: only `workflowId`). */
  allowClientWorkflow?: boolean | readonly string[];
  /**
   * Per-user and per-address limits. On by default (10 per user and 60 per address a minute,
   * `SESSION_RATE_LIMIT_DEFAULTS`); a rule given replaces its default, `false` for a rule or for `rateLimit` turns it off.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Pass OpenAI's error messages (which can name your project, organization and workflow) to the browser. Default:
   * `true` unless `NODE_ENV` is `production`; otherwise the browser gets a message that names the fix and the server
   * log keeps the detail.
   */
  exposeErrors?: boolean;
  /** ms allowed for receiving the whole request body (default 10 000); a slower client gets 408. */
  bodyTimeout?: number;
  /**
   * Where the handler remembers which session (and user) each client secret it issued belongs to, so that a refresh
   * can cancel the session it replaces and refuse another user's secret. Default: in this process
   * (`MemoryIssuedSessionStore`); share one between instances, or `false` to keep nothing.
   */
  issuedSessions?: IssuedSessionStore | false;
  /** Receives warnings and one line per failure (default `console`). Lines never carry keys or client secrets. */
  logger?: SessionLogger;
  /** Largest accepted request body in bytes (default 16 384). */
  maxBodyBytes?: number;
}

/** Options after validation, with environment variables behind getters. */
export interface ResolvedOptions {
  startPath: string;
  refreshPath: string;
  timeout: number;
  maxRetries: number;
  maxBodyBytes: number;
  expiresAfterSeconds: number | undefined;
  allowedOrigins: ReadonlySet<string>;
  trustProxy: number;
  cookieName: string;
  cookieMaxAgeSeconds: number;
  bodyTimeout: number;
  /** Whether upstream error messages reach the browser (`exposeErrors`, decided per request from `NODE_ENV`). */
  exposeErrors(): boolean;
  allowClientWorkflow: boolean | readonly string[];
  /** The API key, or `undefined` when neither option nor environment has one. */
  apiKey(): string | undefined;
  workflowId(): string | undefined;
  /** @throws {HttpError} 500 when `CHATKIT_COOKIE_SECRET` is too short. */
  cookieSecrets(): readonly string[];
  /** Every secret this handler knows, for scrubbing log lines and upstream messages. */
  knownSecrets(): string[];
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Validates options once, when the handler is created, so that mistakes fail at startup rather than per request.
 * @throws {TypeError} naming the option and what it must be.
 */
export function resolveOptions(options: SessionHandlerOptions): ResolvedOptions {
  const startPath = path('startPath', options.startPath ?? '/api/chatkit/start');
  const refreshPath = path('refreshPath', options.refreshPath ?? '/api/chatkit/refresh');
  if (startPath === refreshPath) fail('startPath and refreshPath must differ');
  const cookieName = options.cookieName ?? DEFAULT_COOKIE_NAME;
  if (!COOKIE_NAME.test(cookieName)) fail(`cookieName ${JSON.stringify(cookieName)} must be a cookie token (letters, digits, !#$%&'*+-.^_\`|~)`);
  const explicitSecrets = options.cookieSecret === undefined ? undefined : [options.cookieSecret].flat();
  if (explicitSecrets?.length === 0) fail('cookieSecret must not be an empty list');
  for (const secret of explicitSecrets ?? []) {
    if (secret.length < MIN_SECRET_LENGTH) fail(`cookieSecret must be at least ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -base64 32\``);
  }
  if (options.rateLimit !== undefined && options.rateLimit !== false && (typeof options.rateLimit !== 'object' || options.rateLimit === null)) {
    fail('rateLimit must be an object such as { perIp: { limit: 60, windowMs: 60000 } }, or false to turn rate limiting off');
  }
  rule('rateLimit.perUser', options.rateLimit ? options.rateLimit.perUser : undefined);
  rule('rateLimit.perIp', options.rateLimit ? options.rateLimit.perIp : undefined);
  const trustProxy = options.trustProxy === true ? 1 : options.trustProxy === false || options.trustProxy === undefined ? 0 : options.trustProxy;
  integer('trustProxy', trustProxy, 0);
  for (const name of ['exposeErrors', 'legacyCookies'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') fail(`${name} must be true or false, got ${JSON.stringify(options[name])}`);
  }
  const store = options.issuedSessions;
  if (store !== undefined && store !== false && (typeof store?.get !== 'function' || typeof store.set !== 'function')) {
    fail('issuedSessions must be a store with get(key) and set(key, session, ttlMs) (e.g. new MemoryIssuedSessionStore()), or false');
  }
  if (typeof options.allowClientWorkflow === 'object' && !Array.isArray(options.allowClientWorkflow)) {
    fail('allowClientWorkflow must be true, false or a list of workflow ids');
  }

  const cookieSecrets = (): readonly string[] => {
    if (explicitSecrets) return explicitSecrets;
    const secret = readEnv('CHATKIT_COOKIE_SECRET');
    if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
      throw new HttpError(500, `CHATKIT_COOKIE_SECRET must be at least ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -base64 32\``);
    }
    return secret === undefined ? [] : [secret];
  };
  const apiKey = () => (options.apiKey?.trim() || undefined) ?? readEnv('OPENAI_API_KEY');

  return {
    startPath,
    refreshPath,
    timeout: integer('timeout', options.timeout ?? 10_000, 1),
    maxRetries: integer('maxRetries', options.maxRetries ?? 1, 0, 5),
    maxBodyBytes: integer('maxBodyBytes', options.maxBodyBytes ?? 16_384, 1),
    expiresAfterSeconds: options.expiresAfterSeconds === undefined ? undefined : integer('expiresAfterSeconds', options.expiresAfterSeconds, 1),
    allowedOrigins: parseAllowedOrigins(options.allowedOrigins ?? []),
    trustProxy,
    cookieName,
    cookieMaxAgeSeconds: integer('cookieMaxAgeSeconds', options.cookieMaxAgeSeconds ?? DEFAULT_COOKIE_MAX_AGE_SECONDS, 60, 400 * 86_400),
    bodyTimeout: integer('bodyTimeout', options.bodyTimeout ?? 10_000, 1),
    exposeErrors: () => options.exposeErrors ?? readEnv('NODE_ENV') !== 'production',
    allowClientWorkflow: options.allowClientWorkflow ?? false,
    apiKey,
    workflowId: () => (options.workflowId?.trim() || undefined) ?? readEnv('CHATKIT_WORKFLOW_ID'),
    cookieSecrets,
    knownSecrets: () => [apiKey(), ...(explicitSecrets ?? [readEnv('CHATKIT_COOKIE_SECRET')])].filter((secret): secret is string => !!secret),
  };
}

function fail(message: string): never {
  throw new TypeError(`managed-chatkit: createSessionHandler: ${message}`);
}

function path(name: string, value: string): string {
  if (!value.startsWith('/') || /[?#\s]/.test(value)) fail(`${name} must be a URL path starting with "/" (no query), got ${JSON.stringify(value)}`);
  return value;
}

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${String(value)}`);
  }
  return value;
}

function rule(name: string, value: RateLimitRule | false | undefined): void {
  if (value === undefined || value === false) return;
  integer(`${name}.limit`, value.limit, 1);
  integer(`${name}.windowMs`, value.windowMs, 1);
}
