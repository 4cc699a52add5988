import { HttpError } from './responses.js';

/**
 * Validates `allowedOrigins` entries and returns them normalised (`new URL(entry).origin`).
 * @throws {TypeError} naming the first entry that is not a bare origin such as `https://app.example.com`.
 */
export function parseAllowedOrigins(entries: readonly string[]): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    if (!origin || origin === 'null' || entry.replace(/\/$/, '').toLowerCase() !== origin.toLowerCase()) {
      throw new TypeError(
        `managed-chatkit: allowedOrigins entry ${JSON.stringify(entry)} is not an origin: write scheme://host[:port] with no path, e.g. ${JSON.stringify(origin && origin !== 'null' ? origin : 'https://app.example.com')}`,
      );
    }
    origins.add(origin);
  }
  return origins;
}

/**
 * The origin this server is reached at: the request URL's, or with `trustProxy` the one a proxy reports in
 * `X-Forwarded-Proto` / `X-Forwarded-Host`.
 */
export function ownOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  if (!trustProxy) return url.origin;
  const first = (name: string) => request.headers.get(name)?.split(',', 1)[0]!.trim() || undefined;
  const proto = first('x-forwarded-proto') ?? url.protocol.slice(0, -1);
  const host = first('x-forwarded-host') ?? url.host;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return url.origin;
  }
}

/**
 * Applies the origin policy. Requests without `Origin` (non-browser clients) and same-origin requests pass and
 * get no CORS headers; a cross-origin request passes only if its origin is listed.
 * @returns the origin to echo in CORS headers, or `undefined` when none are needed.
 * @throws {HttpError} 403 naming `allowedOrigins`.
 */
export function checkOrigin(request: Request, allowed: ReadonlySet<string>, trustProxy: boolean): string | undefined {
  const origin = request.headers.get('origin');
  if (origin === null) return undefined;
  const own = ownOrigin(request, trustProxy);
  if (origin === own) return undefined;
  if (allowed.has(origin)) return origin;
  const proxyHint = trustProxy ? '' : ', or set trustProxy if a proxy in front of this server changes the scheme or host';
  throw new HttpError(
    403,
    `Origin ${origin} may not request ChatKit sessions from ${own}: add it to allowedOrigins${proxyHint}`,
  );
}

/** Headers that let the listed origin read an answer and send cookies with the request. */
export function corsHeaders(origin: string): [string, string][] {
  return [
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Allow-Credentials', 'true'],
    ['Access-Control-Expose-Headers', 'Retry-After'],
    ['Vary', 'Origin'],
  ];
}

/** The 204 answer to a CORS preflight from a listed origin. */
export function preflightResponse(origin: string, request: Request): Response {
  const requested = request.headers.get('access-control-request-headers');
  return new Response(null, {
    status: 204,
    headers: [
      ['Access-Control-Allow-Origin', origin],
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Methods', 'POST'],
      ['Access-Control-Allow-Headers', requested || 'Content-Type'],
      ['Access-Control-Max-Age', '600'],
      ['Vary', 'Origin, Access-Control-Request-Headers'],
    ],
  });
}
