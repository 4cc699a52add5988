import { ManagedChatKitError } from './errors.js';
import { sendSessionRequest, type SessionConfig, type SessionRequest } from './session-request.js';

export type { SessionConfig };

/** Largest session answer read; anything bigger is refused rather than buffered. */
const MAX_BODY_BYTES = 1 << 20;
/** How much of an unexpected body is quoted in an error message. */
const QUOTE_CHARS = 200;

/**
 * Supplies ChatKit's `api.getClientSecret`: no secret (ChatKit passes `null`; any falsy value counts) → POST to the start URL; a current secret → POST to the refresh URL
 * with `{"currentClientSecret": …}`. Concurrent calls for the same purpose share one request; every bad answer
 * becomes a `session` {@link ManagedChatKitError} whose message names the attribute, the URL and what came back.
 * Secrets live only in memory, in the promises handed to ChatKit.
 */
export class SessionClient {
  readonly #config: () => SessionConfig;
  readonly #onError: (error: ManagedChatKitError) => void;
  readonly #maxPrefetchAge: number;
  readonly #inFlight = new Map<string, Promise<string>>();
  readonly #reported = new WeakSet<Promise<string>>();
  #prefetched: { secret: Promise<string>; at: number } | null = null;
  #controller = new AbortController();

  /**
   * @param config read for every request, so attribute changes apply to the next one
   * @param onError called once per failed request that ChatKit actually waited for (not for aborted ones)
   * @param maxPrefetchAge ms after which a prefetched secret is no longer handed out
   */
  constructor(config: () => SessionConfig, onError: (error: ManagedChatKitError) => void, maxPrefetchAge = 60_000) {
    this.#config = config;
    this.#onError = onError;
    this.#maxPrefetchAge = maxPrefetchAge;
  }

  /** ChatKit's `api.getClientSecret`. */
  readonly getClientSecret = (current: string | null): Promise<string> => {
    const secret = (!current && this.#takePrefetched()) || this.#request(current);
    if (!this.#reported.has(secret)) {
      this.#reported.add(secret);
      const signal = this.#controller.signal;
      secret.catch((error: unknown) => {
        if (!signal.aborted) this.#onError(ManagedChatKitError.from(error, 'session'));
      });
    }
    return secret;
  };

  /**
   * Starts the start request now, so the first `getClientSecret(null)` finds it in flight or done — or adopts `started`,
   * the one the element's first stage sent as it connected.
   */
  prefetch(started?: SessionRequest): void {
    if (this.#prefetched && Date.now() - this.#prefetched.at < this.#maxPrefetchAge) return started?.abort();
    const secret = this.#request(null, started);
    secret.catch(() => {}); // reported when (and if) ChatKit takes it
    this.#prefetched = { secret, at: Date.now() };
  }

  /** Whether a prefetched secret is waiting to be used. */
  get hasPrefetched(): boolean {
    return this.#prefetched !== null;
  }

  /** Cancels every request in flight and drops any prefetched secret; later calls start afresh. */
  abort(): void {
    this.#controller.abort();
    this.#controller = new AbortController();
    this.#inFlight.clear();
    this.#prefetched = null;
  }

  #takePrefetched(): Promise<string> | null {
    const prefetched = this.#prefetched;
    this.#prefetched = null;
    if (!prefetched || Date.now() - prefetched.at >= this.#maxPrefetchAge) return null;
    return prefetched.secret;
  }

  #request(current: string | null, started?: SessionRequest): Promise<string> {
    const key = !current ? 'start' : `refresh:${current}`;
    let secret = this.#inFlight.get(key);
    if (secret) started?.abort();
    else {
      secret = this.#post(current, started).finally(() => {
        if (this.#inFlight.get(key) === secret) this.#inFlight.delete(key);
      });
      this.#inFlight.set(key, secret);
    }
    return secret;
  }

  async #post(current: string | null, started?: SessionRequest): Promise<string> {
    const config = this.#config();
    const attribute = !current ? 'start-url' : 'refresh-url';
    const url = !current ? config.startUrl : config.refreshUrl;
    const request = started ?? sendSessionRequest(config, current);
    const outer = this.#controller.signal;
    const onAbort = () => request.abort(outer.reason);
    if (outer.aborted) onAbort();
    outer.addEventListener('abort', onAbort, { once: true });
    try {
      return await readSecret(await request.response, attribute, url, request.signal);
    } catch (error) {
      if (error instanceof ManagedChatKitError) throw error;
      if (outer.aborted) throw error;
      if (request.timedOut) {
        throw new ManagedChatKitError('session', `${attribute} ${url} did not answer within ${config.timeout} ms (timeout attribute). Check the server or raise timeout.`, {
          retryable: true,
          cause: error,
        });
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new ManagedChatKitError('session', `Could not reach ${attribute} ${url} (${reason}). Check that the session server runs and the URL is right.`, {
        retryable: true,
        cause: error,
      });
    } finally {
      request.done();
      outer.removeEventListener('abort', onAbort);
    }
  }
}

async function readSecret(response: Response, attribute: string, url: string, signal: AbortSignal): Promise<string> {
  const answered = `${attribute} ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const text = await readLimited(response, signal);
  if (text === null) {
    throw new ManagedChatKitError('session', `${answered} with a body over ${MAX_BODY_BYTES} bytes. A session endpoint answers {"client_secret": "…"}.`, {
      status: response.status,
      retryable: false,
    });
  }
  let json: unknown;
  let parsed = true;
  try {
    json = JSON.parse(text);
  } catch {
    parsed = false;
  }

  if (!response.ok) {
    const detail = (parsed && errorMessageOf(json)) || (looksLikeHtml(text) ? htmlTitle(text) : quote(text));
    throw new ManagedChatKitError('session', `${answered}${detail ? `: ${detail}` : ''}. Check the server behind ${attribute}.`, {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429 || response.status === 408,
    });
  }
  if (!parsed) {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new ManagedChatKitError(
      'session',
      `${answered} with a body that is not JSON (${type}): ${quote(text) || '(empty)'}. Point ${attribute} at your session endpoint.`,
      { status: response.status, retryable: false },
    );
  }
  const secret = isRecord(json) ? json.client_secret : undefined;
  if (typeof secret !== 'string' || secret === '') {
    const found = isRecord(json) ? `keys: ${Object.keys(json).slice(0, 8).join(', ') || 'none'}` : `a JSON ${json === null ? 'null' : typeof json}`;
    throw new ManagedChatKitError(
      'session',
      `${answered} without a non-empty string "client_secret" (${found}). The session endpoint must answer {"client_secret": "…"}.`,
      { status: response.status, retryable: false },
    );
  }
  return secret;
}

/** Reads the body as text, or returns null past {@link MAX_BODY_BYTES}. */
async function readLimited(response: Response, signal: AbortSignal): Promise<string | null> {
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** `{"error": "…"}`, `{"error": {"message": "…"}}` or `{"message": "…"}`. */
function errorMessageOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const { error, message } = json;
  if (typeof error === 'string' && error) return quote(error);
  if (isRecord(error) && typeof error.message === 'string' && error.message) return quote(error.message);
  if (typeof message === 'string' && message) return quote(message);
  return undefined;
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}

/** The `<title>` of an HTML error page, quoted, or nothing. */
function htmlTitle(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1];
  return title ? quote(title) : '';
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? `"${flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat}"` : '';
}
