/** What a session request needs, read fresh from the element for every request. */
export interface SessionConfig {
  startUrl: string;
  refreshUrl: string;
  workflowId?: string;
  credentials: RequestCredentials;
  headers?: HeadersInit;
  /** ms allowed for each request, its body included. */
  timeout: number;
}

/** One POST to the start or refresh URL, in flight. */
export interface SessionRequest {
  /** Settles with the response head (the body is read by whoever adopts the request), or the fetch error. */
  readonly response: Promise<Response>;
  /** Aborted by {@link abort} and on timeout: stops reading the body too. */
  readonly signal: AbortSignal;
  /** Whether the request ran out of `timeout` ms. */
  readonly timedOut: boolean;
  abort(reason?: unknown): void;
  /** Stops the timeout once the answer has been read. */
  done(): void;
}

export const DEFAULT_START_URL = '/api/chatkit/start';
export const DEFAULT_REFRESH_URL = '/api/chatkit/refresh';

/** The session settings of an element: `refresh-url` falls back to `start-url` when that is set. */
export function sessionConfigOf(element: {
  startUrl: string | null;
  refreshUrl: string | null;
  workflowId: string | null;
  credentials: RequestCredentials;
  sessionHeaders?: HeadersInit;
  timeout: number;
}): SessionConfig {
  return {
    startUrl: element.startUrl || DEFAULT_START_URL,
    refreshUrl: element.refreshUrl || element.startUrl || DEFAULT_REFRESH_URL,
    workflowId: element.workflowId || undefined,
    credentials: element.credentials,
    headers: element.sessionHeaders,
    timeout: element.timeout,
  };
}

/**
 * POSTs `{}` to the start URL (no `current` secret) or `{"currentClientSecret": …}` to the refresh URL, with
 * `{"workflow": {"id": …}}` when a workflow is set. The first stage sends it as the element connects; the session
 * client adopts it and reads the answer.
 */
export function sendSessionRequest(config: SessionConfig, current: string | null): SessionRequest {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('timeout', 'TimeoutError'));
  }, config.timeout);
  const body: Record<string, unknown> = current ? { currentClientSecret: current } : {};
  if (config.workflowId) body.workflow = { id: config.workflowId };
  const response = fetch(current ? config.refreshUrl : config.startUrl, {
    method: 'POST',
    headers: { ...Object.fromEntries(new Headers(config.headers).entries()), 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: config.credentials,
    signal: controller.signal,
  });
  response.catch(() => {}); // reported by whoever adopts it, if anyone does
  return {
    response,
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    abort(reason) {
      clearTimeout(timer);
      controller.abort(reason);
    },
    done: () => clearTimeout(timer),
  };
}
