/** A refusal with the HTTP status it maps to and a message that says what to fix. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  /** Extra response headers, e.g. `Allow` or `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * A JSON answer that no cache keeps. Every answer of the session handler goes through here.
 * `headers` may repeat a name (several `Set-Cookie`), hence the list of pairs.
 */
export function jsonResponse(status: number, body: unknown, headers: Iterable<readonly [string, string]> = []): Response {
  const all = new Headers({
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  for (const [name, value] of headers) all.append(name, value);
  return new Response(JSON.stringify(body), { status, headers: all });
}
