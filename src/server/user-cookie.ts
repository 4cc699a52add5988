import type { SessionLogger } from './logger.js';

/** Default name of the cookie that carries the signed end-user id (sent as `__Host-chatkit_user` on https). */
export const DEFAULT_COOKIE_NAME = 'chatkit_user';
/** Shortest accepted `cookieSecret` / `CHATKIT_COOKIE_SECRET`. */
export const MIN_SECRET_LENGTH = 32;
/** Default `cookieMaxAgeSeconds`: one year. */
export const DEFAULT_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
/** A cookie signed longer ago than this (or half its max age, if shorter) is re-signed on its next use. */
const REFRESH_AFTER_SECONDS = 24 * 60 * 60;
/** Clock skew tolerated for an issue time in the future (several instances, slightly different clocks). */
const FUTURE_SKEW_SECONDS = 5 * 60;
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOST_PREFIX = '__Host-';

/** How the handler reads and issues the end-user id cookie. */
export interface UserCookie {
  /**
   * The user id of a correctly signed, unexpired cookie, or `undefined` (absent, malformed, forged, signed with an
   * unknown key, too old, or sent more than once under the same name).
   */
  read(request: Request): Promise<string | undefined>;
  /** A fresh random user id. */
  newId(): string;
  /**
   * The `Set-Cookie` value carrying `id`, signed now: HttpOnly, SameSite=Lax, Path=/, `Max-Age` the cookie max age;
   * on https Secure and named `__Host-<name>`.
   */
  serialize(id: string, request: Request): Promise<string>;
  /**
   * The end user of a request and the `Set-Cookie` headers to send with the answer: the cookie's id (no header unless
   * it is due for re-signing: older than a day, signed with a rotated-out secret, or a 0.1.0 cookie being upgraded), or
   * a fresh id with a new cookie. This is the whole cookie policy; a second handler calls it the same way.
   */
  resolve(request: Request): Promise<CookieUser>;
}

/** What {@link UserCookie.resolve} found. */
export interface CookieUser {
  id: string;
  /** `Set-Cookie` header values to append to the answer (often none). */
  setCookies: string[];
  /** Whether `id` was created for this request. */
  fresh: boolean;
}

/** What {@link createUserCookie} needs from the handler's options. */
export interface UserCookieOptions {
  name: string;
  /** Signing secrets, newest first; read at first use. Empty → a random per-process key and one warning. */
  secrets: () => readonly string[];
  logger: SessionLogger;
  /** Longest a cookie is accepted after it was signed (default one year); also its `Max-Age`. */
  maxAgeSeconds?: number;
  /** Read and upgrade cookies of managed-chatkit 0.1.0 (`<id>.<mac>`, no issue time; default `true`). */
  legacy?: boolean;
}

/** A cookie value that verified. */
interface Verified {
  id: string;
  /** Due for a new `Set-Cookie`: old, signed with a non-current key, or in the 0.1.0 format. */
  reissue: boolean;
}

let processKey: Promise<CryptoKey> | undefined;

/**
 * A cookie `<uuid>.<issued at, unix seconds>.<HMAC-SHA256 of "<uuid>.<issued at>", base64url>` signed with Web Crypto,
 * so it works on Node, Deno, Bun and Workers. The first secret signs; every secret verifies (rotate by prepending a new
 * one). Verification is `crypto.subtle.verify`, which compares in constant time. A client can drop its cookie and get a
 * new id, but it cannot pick an existing one.
 *
 * Against cookie tossing (a sibling subdomain planting its own validly signed cookie with `Domain=<parent>`): on https
 * the cookie is `__Host-<name>`, which browsers accept only from this exact host, with Secure and `Path=/`; a cookie
 * name that arrives twice is not trusted at all (the visitor gets a fresh id rather than whichever came first).
 */
export function createUserCookie(options: UserCookieOptions): UserCookie {
  const maxAge = options.maxAgeSeconds ?? DEFAULT_COOKIE_MAX_AGE_SECONDS;
  const refreshAfter = Math.min(REFRESH_AFTER_SECONDS, Math.floor(maxAge / 2)); // a short max age still rolls
  const legacy = options.legacy ?? true;
  let keys: Promise<CryptoKey[]> | undefined;
  let warnedDuplicate = false;
  const getKeys = () =>
    (keys ??= loadKeys(options).catch((error: unknown) => {
      keys = undefined; // a configuration error is reported again on the next request, not cached
      throw error;
    }));

  /** The single value sent under `name`; `undefined` when absent or (with a warning, once) sent more than once. */
  function single(header: string | null, name: string): string | undefined {
    const values = readCookieValues(header, name);
    if (values.length > 1 && !warnedDuplicate) {
      warnedDuplicate = true;
      options.logger.warn(
        `a request sent ${values.length} cookies named ${name}; none is trusted and the visitor gets a new id. Another site on a parent domain may be planting cookies (cookie tossing): serve this site over https, where the cookie is __Host- prefixed (this warning is logged once)`,
      );
    }
    return values.length === 1 ? values[0] : undefined;
  }

  async function verify(value: string, allowLegacy: boolean): Promise<Verified | undefined> {
    const parts = value.split('.');
    const now = Math.floor(Date.now() / 1000);
    if (parts.length === 3) {
      const [id, issued, mac] = parts as [string, string, string];
      const issuedAt = Number(issued);
      const signature = fromBase64Url(mac);
      if (!ID_PATTERN.test(id) || !/^\d{1,12}$/.test(issued) || !signature) return undefined;
      if (issuedAt > now + FUTURE_SKEW_SECONDS || now - issuedAt > maxAge) return undefined;
      const index = await verifiedBy(await getKeys(), signature, `${id}.${issued}`);
      return index < 0 ? undefined : { id, reissue: index > 0 || now - issuedAt > refreshAfter };
    }
    if (parts.length === 2 && allowLegacy) {
      const [id, mac] = parts as [string, string];
      const signature = fromBase64Url(mac);
      if (!ID_PATTERN.test(id) || !signature) return undefined;
      return (await verifiedBy(await getKeys(), signature, id)) < 0 ? undefined : { id, reissue: true };
    }
    return undefined;
  }

  /** The verified cookie of a request, and whether a 0.1.0 plain-named cookie must be deleted. */
  async function inspect(request: Request): Promise<(Verified & { deletePlain: boolean }) | undefined> {
    const header = request.headers.get('cookie');
    const https = isHttps(request);
    const name = cookieName(options.name, https);
    const own = single(header, name);
    if (own !== undefined || readCookieValues(header, name).length > 1) {
      // a cookie under the current name decides alone (a plain 0.1.0 cookie next to it is ignored)
      const verified = own === undefined ? undefined : await verify(own, legacy && name === options.name);
      return verified && { ...verified, deletePlain: false };
    }
    if (!legacy || name === options.name) return undefined;
    // https and no __Host- cookie yet: a 0.1.0 cookie (plain name, old format only) is read once and upgraded
    const plain = single(header, options.name);
    const verified = plain === undefined || plain.split('.').length !== 2 ? undefined : await verify(plain, true);
    return verified && { ...verified, deletePlain: true };
  }

  async function serialize(id: string, request: Request): Promise<string> {
    const [key] = await getKeys();
    const issued = String(Math.floor(Date.now() / 1000));
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key!, utf8(`${id}.${issued}`)));
    const https = isHttps(request);
    return `${cookieName(options.name, https)}=${id}.${issued}.${toBase64Url(signature)}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${https ? '; Secure' : ''}`;
  }

  return {
    read: async (request) => (await inspect(request))?.id,
    newId: () => crypto.randomUUID(),
    serialize,
    async resolve(request) {
      const found = await inspect(request);
      const id = found?.id ?? crypto.randomUUID();
      const setCookies = !found || found.reissue ? [await serialize(id, request)] : [];
      if (found?.deletePlain) setCookies.push(`${options.name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure`);
      return { id, setCookies, fresh: !found };
    },
  };
}

/**
 * The cookie name used for a request: `__Host-<name>` on https (unless `name` already has a `__Host-` or `__Secure-`
 * prefix), `name` itself on plain http (local development), where browsers refuse `__Host-` cookies.
 */
export function cookieName(name: string, https: boolean): string {
  return https && !name.startsWith(HOST_PREFIX) && !name.startsWith('__Secure-') ? `${HOST_PREFIX}${name}` : name;
}

/** Index of the first key that verifies `signature` over `text`, or -1. */
async function verifiedBy(keys: CryptoKey[], signature: Uint8Array<ArrayBuffer>, text: string): Promise<number> {
  for (const [index, key] of keys.entries()) {
    if (await crypto.subtle.verify('HMAC', key, signature, utf8(text))) return index;
  }
  return -1;
}

async function loadKeys({ secrets, logger }: UserCookieOptions): Promise<CryptoKey[]> {
  const list = secrets();
  if (list.length === 0) {
    logger.warn(
      'no cookieSecret or CHATKIT_COOKIE_SECRET: user-id cookies are signed with a random key and stop being recognised when this process restarts (users lose their threads). Set CHATKIT_COOKIE_SECRET to 32+ random characters.',
    );
    processKey ??= crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']) as Promise<CryptoKey>;
    return [await processKey];
  }
  return Promise.all(
    list.map((secret) => crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])),
  );
}

/**
 * The value of the first cookie called `name` in a `Cookie` header. For a trust decision use
 * {@link readCookieValues}: a planted duplicate can come first.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  return readCookieValues(header, name)[0];
}

/** Every value sent for the cookie `name` in a `Cookie` header, in header order (quotes removed). */
export function readCookieValues(header: string | null, name: string): string[] {
  const values: string[] = [];
  if (!header) return values;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return values;
}

/** Whether the client reached the site over https, directly or through a TLS-terminating proxy. */
function isHttps(request: Request): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',', 1)[0]!.trim().toLowerCase();
  return forwarded === 'https' || new URL(request.url).protocol === 'https:';
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[\w-]{43}$/.test(text)) return undefined; // 32-byte SHA-256 MAC
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '=');
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
