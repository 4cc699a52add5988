import { ManagedChatKitError } from './errors.js';
import type { FailureFacts } from './failure-messages.js';
import { sendSessionRequest, type SessionConfig, type SessionRequest } from './session-request.js';

export type { SessionConfig };

/** Largest session answer read; anything bigger is refused rather than buffered. */
const MAX_BODY_BYTES = 1 << 20;

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
      if (request.timedOut) throw ManagedChatKitError.because('session', 'sessionTimeout', [attribute, url, config.timeout], { retryable: true, cause: error });
      const reason = error instanceof Error ? error.message : String(error);
      throw ManagedChatKitError.because('session', 'sessionUnreachable', [attribute, url, reason], { retryable: true, cause: error });
    } finally {
      request.done();
      outer.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * The client secret in a session endpoint's answer. Anything else is a `session` error quoting what came back; its
 * diagnosis of the body (an `{"error": …}` message, an HTML page's title) is worded with the message.
 */
async function readSecret(response: Response, attribute: string, url: string, signal: AbortSignal): Promise<string> {
  const { status, statusText } = response;
  const text = await readLimited(response, signal);
  if (text === null) {
    throw ManagedChatKitError.because('session', 'answerTooLarge', [attribute, url, status, statusText, MAX_BODY_BYTES], { status, retryable: false });
  }
  const answer: FailureFacts['answerStatus'] = [attribute, url, status, statusText, text];
  if (!response.ok) {
    throw ManagedChatKitError.because('session', 'answerStatus', answer, { status, retryable: status >= 500 || status === 429 || status === 408 });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw ManagedChatKitError.because('session', 'answerNotJson', [...answer, response.headers.get('content-type')], { status, retryable: false });
  }
  // Any JSON value: only an object can have the key.
  const secret = (json as { client_secret?: unknown } | null)?.client_secret;
  if (typeof secret !== 'string' || secret === '') throw ManagedChatKitError.because('session', 'answerWithoutSecret', answer, { status, retryable: false });
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
