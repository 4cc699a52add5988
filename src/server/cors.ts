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
 * The origin this server is reached at: the request's scheme with the `Host` header (never the authority of the
 * request target, which a client can write as `//evil.example/…`), or with `trustProxy` what a proxy reports in
 * `X-Forwarded-Proto` / `X-Forwarded-Host`.
 */
export function ownOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(',', 1)[0]!.trim() || undefined;
  const proto = (trustProxy && first('x-forwarded-proto')) || url.protocol.slice(0, -1);
  const host = (trustProxy && first('x-forwarded-host')) || request.headers.get('host')?.trim() || url.host;
  return originOf(proto, host) ?? originOf(proto, url.host) ?? url.origin;
}

/** `proto://host` as an origin, or `undefined` when `host` is not a bare host[:port] (a path, user info, garbage). */
function originOf(proto: string, host: string): string | undefined {
  try {
    const url = new URL(`${proto}://${host}`);
    return url.host === host.toLowerCase() || url.host === host.toLowerCase().replace(/:(80|443)$/, '') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Applies the origin policy, Fetch Metadata first and `Origin` as the fallback:
 * - `Sec-Fetch-Site: cross-site` (a page on another site) passes only if its `Origin` is in `allowed`;
 * - `Sec-Fetch-Site: same-origin` passes (the browser vouches for it, whatever proxies did to the Host);
 * - otherwise (`same-site`, `none`, or an older browser or non-browser client without the header) requests without
 *   `Origin` and same-origin requests pass with no CORS headers, and a cross-origin request passes only if listed.
 * The same check serves every handler of this package.
 * @returns the origin to echo in CORS headers, or `undefined` when none are needed.
 * @throws {HttpError} 403 naming `allowedOrigins`.
 */
export function checkOrigin(request: Request, allowed: ReadonlySet<string>, trustProxy: boolean): string | undefined {
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (site === 'cross-site') {
    if (origin !== null && allowed.has(origin)) return origin;
    throw new HttpError(
      403,
      `A page on another site (Sec-Fetch-Site: cross-site${origin === null ? '' : `, Origin ${origin}`}) may not request ChatKit sessions from ${ownOrigin(request, trustProxy)}: add its origin to allowedOrigins`,
    );
  }
  if (origin === null) return undefined;
  const own = ownOrigin(request, trustProxy);
  if (origin === own) return undefined;
  if (allowed.has(origin)) return origin;
  if (site === 'same-origin') return undefined;
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
