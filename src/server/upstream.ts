import OpenAI from 'openai';
import type { ChatSession, SessionCreateParams } from 'openai/resources/beta/chatkit/index';
import { redact, type SessionLogger } from './logger.js';
import { HttpError } from './responses.js';

/**
 * The part of an OpenAI client the handler uses. An `OpenAI` instance fits; so does any client built against another
 * copy or version of the `openai` package.
 */
export interface SessionsClient {
  beta: {
    chatkit: {
      sessions: {
        create(body: SessionCreateParams, options?: { signal?: AbortSignal; timeout?: number; maxRetries?: number }): PromiseLike<ChatSession>;
        /** `openai` ≥ 6.x: ends a session early. Without it a refresh cannot cancel the session it replaces. */
        cancel?(sessionId: string, options?: { signal?: AbortSignal; timeout?: number; maxRetries?: number }): PromiseLike<unknown>;
      };
    };
  };
}

/** What the browser gets back: the fields of a ChatSession it needs and nothing else. */
export interface IssuedSecret {
  client_secret: string;
  expires_at: number;
}

/** How one session request to OpenAI behaves. */
export interface UpstreamCall {
  /** Total ms for the call, retries included. */
  timeout: number;
  /** Extra attempts after a 5xx or connection failure, while time is left. */
  maxRetries: number;
  /** Aborts the call when the browser is gone. */
  signal?: AbortSignal | undefined;
  logger: SessionLogger;
  /** Secrets to scrub from upstream messages before they reach the browser. */
  secrets: () => Iterable<string>;
  /**
   * Pass OpenAI's own error message on to the browser (default `true`). `false`: the browser gets a message that names
   * the likely fix but no project, organization or workflow identifier; the log line keeps the full message.
   */
  exposeErrors?: boolean | undefined;
}

/** A session that was created: what the browser gets, and the session's id (for cancelling it later). */
export interface CreatedSession {
  secret: IssuedSecret;
  /** `cksess_…`, when the answer carried one. */
  sessionId: string | undefined;
}

/** Longest `Retry-After` passed on to the browser, in seconds; a larger value from upstream is capped to this. */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** An `OpenAI` client for `apiKey` that leaves retries and the deadline to {@link createChatSession}. */
export function createOpenAIClient(apiKey: string, timeout: number): SessionsClient {
  return new OpenAI({ apiKey, timeout, maxRetries: 0 });
}

const TIMED_OUT = { reason: 'timeout' };
const CLIENT_GONE = { reason: 'client closed the request' };

/**
 * Creates a ChatKit session within one deadline (`call.timeout`, retries and their back-off included — a
 * `Retry-After` from OpenAI cannot stretch it), retrying only 5xx answers and connection failures.
 * @throws {HttpError} mapped for the browser: OpenAI 4xx → same status and OpenAI's message (secrets scrubbed; 429 keeps
 * `Retry-After`), 5xx / connection failure / timeout / malformed answer → 502. Each failure is logged once.
 * Anything else (a bug) is rethrown as is.
 */
export async function createChatSession(client: SessionsClient, params: SessionCreateParams, call: UpstreamCall): Promise<IssuedSecret> {
  return (await createSession(client, params, call)).secret;
}

/** {@link createChatSession}, also returning the new session's id. */
export async function createSession(client: SessionsClient, params: SessionCreateParams, call: UpstreamCall): Promise<CreatedSession> {
  const controller = new AbortController();
  const deadline = Date.now() + call.timeout;
  const timer = setTimeout(() => controller.abort(TIMED_OUT), call.timeout);
  const onClientGone = () => controller.abort(CLIENT_GONE);
  if (call.signal?.aborted) onClientGone();
  call.signal?.addEventListener('abort', onClientGone, { once: true });
  let attempts = 0;
  try {
    for (;;) {
      attempts += 1;
      try {
        const timeout = Math.max(1, deadline - Date.now());
        const request = client.beta.chatkit.sessions.create(params, { signal: controller.signal, timeout, maxRetries: 0 });
        const session = await untilAborted(request, controller.signal);
        return { secret: issuedSecret(session), sessionId: typeof session?.id === 'string' && session.id ? session.id : undefined };
      } catch (error) {
        const backoff = 250 * 2 ** (attempts - 1) * (0.75 + Math.random() * 0.25);
        const retry = !controller.signal.aborted && attempts <= call.maxRetries && isTransient(error) && deadline - Date.now() > backoff + 100;
        if (!retry) throw error;
        await sleep(backoff, controller.signal);
      }
    }
  } catch (error) {
    throw toHttpError(error, controller.signal.reason, attempts, call);
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener('abort', onClientGone);
  }
}

/** The fields of an `OpenAI.APIError` (any copy of the SDK) the mapping reads. */
interface ApiErrorLike extends Error {
  status: number | undefined;
  headers?: Headers | undefined;
  error?: unknown;
  requestID?: string | null | undefined;
}

function isApiError(error: unknown): error is ApiErrorLike {
  return error instanceof Error && 'status' in error && 'headers' in error && 'error' in error;
}

function isTransient(error: unknown): boolean {
  if (!isApiError(error) || error.headers?.get('x-should-retry') === 'false') return false;
  return error.status === undefined || error.status === 408 || error.status >= 500;
}

function toHttpError(error: unknown, abortReason: unknown, attempts: number, call: UpstreamCall): unknown {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (abortReason === CLIENT_GONE) return new HttpError(499, 'The client closed the request');
  if (abortReason === TIMED_OUT || (isApiError(error) && error.status === undefined && /timed? ?out/i.test(error.message))) {
    call.logger.error(`OpenAI sessions API did not answer within ${call.timeout} ms${tries}`);
    return new HttpError(502, `The OpenAI API did not answer within ${call.timeout} ms (timeout option); try again shortly`);
  }
  if (error instanceof HttpError) {
    call.logger.error(error.message);
    return error;
  }
  if (!isApiError(error)) return error;

  if (error.status === undefined) {
    call.logger.error(`could not reach the OpenAI sessions API${tries}: ${connectionFailure(error)}`);
    return new HttpError(502, 'Could not reach the OpenAI API to create a ChatKit session; try again shortly');
  }
  const requestId = error.requestID ?? error.headers?.get('x-request-id');
  const message = redact(upstreamMessage(error), call.secrets());
  call.logger.error(`OpenAI sessions API answered ${error.status}${requestId ? ` (request id ${requestId})` : ''}${tries}: ${message}`);
  if (error.status >= 400 && error.status < 500) {
    const retryAfter = error.status === 429 ? retryAfterSeconds(error.headers) : undefined;
    return new HttpError(
      error.status,
      `OpenAI refused to create the ChatKit session (${error.status}): ${call.exposeErrors === false ? hiddenDetail(error.status) : message}`,
      retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
    );
  }
  return new HttpError(502, `The OpenAI API failed to create a ChatKit session (${error.status}); try again shortly`);
}

/**
 * What the browser is told instead of OpenAI's message when `exposeErrors` is off: the likely fix by status, no
 * identifiers (OpenAI's messages name projects, organizations, workflows and key fragments).
 */
function hiddenDetail(status: number): string {
  const fix =
    status === 401 ? 'the server\'s API key was not accepted; check OPENAI_API_KEY'
    : status === 403 ? 'the API key\'s project may not use this workflow, or the organization lacks access to ChatKit; check the key\'s project and CHATKIT_WORKFLOW_ID'
    : status === 404 ? 'the workflow was not found; check CHATKIT_WORKFLOW_ID (a published workflow id, wf_…)'
    : status === 429 ? 'the API key is over its rate limit or quota; retry later'
    : 'the request was refused';
  return `${fix}. The server log has OpenAI's full message (set exposeErrors to pass it to the browser)`;
}

/** OpenAI's own error message, or a description of a body that had none (an HTML page from a proxy, say). */
function upstreamMessage(error: ApiErrorLike): string {
  const body = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' && body.message) {
    return body.message.length > 500 ? `${body.message.slice(0, 500)}…` : body.message;
  }
  return 'no JSON error message in the answer (is the openai client\'s baseURL the OpenAI API?)';
}

/**
 * `Retry-After` in whole seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), between 1 and
 * {@link MAX_RETRY_AFTER_SECONDS}: a day-long value would make the element give up on a chat that may work in a minute.
 */
function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const clamp = (seconds: number) => Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (ms >= 0) return clamp(ms / 1000);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? clamp(seconds) : undefined;
}

/**
 * Cancels a session a refresh replaced, in the background of the answer: failures (and a client without `cancel`) are
 * logged, never thrown — the new session already exists and the old one expires by itself.
 */
export async function cancelChatSession(client: SessionsClient, sessionId: string, call: Pick<UpstreamCall, 'timeout' | 'logger' | 'secrets'>): Promise<void> {
  const cancel = client.beta.chatkit.sessions.cancel;
  if (typeof cancel !== 'function') return;
  try {
    await cancel.call(client.beta.chatkit.sessions, sessionId, { timeout: call.timeout, maxRetries: 1 });
  } catch (error) {
    const detail = isApiError(error) && error.status !== undefined ? `${error.status}: ${redact(upstreamMessage(error), call.secrets())}` : error instanceof Error ? error.message : String(error);
    call.logger.error(`could not cancel the replaced ChatKit session ${sessionId} (it expires by itself): ${detail}`);
  }
}

/** The innermost error code (`ECONNRESET`, `UND_ERR_SOCKET`, …) or message of a connection failure. */
function connectionFailure(error: Error): string {
  let current: unknown = error;
  let description = error.message;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    description = typeof code === 'string' ? code : current.message;
    current = current.cause;
  }
  return description;
}

function issuedSecret(session: ChatSession): IssuedSecret {
  const { client_secret, expires_at } = (typeof session === 'object' && session !== null ? session : {}) as Partial<ChatSession>;
  if (typeof client_secret !== 'string' || client_secret === '' || typeof expires_at !== 'number') {
    throw new HttpError(
      502,
      'The OpenAI API answered without a client_secret and expires_at; check that the openai client\'s baseURL is the OpenAI API',
    );
  }
  return { client_secret, expires_at };
}

/** `work`, or a rejection with the signal's reason as soon as it aborts (for clients that ignore `signal`). */
function untilAborted<T>(work: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
