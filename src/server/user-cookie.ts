import type { SessionLogger } from './logger.js';

/** Default name of the cookie that carries the signed end-user id. */
export const DEFAULT_COOKIE_NAME = 'chatkit_user';
/** Shortest accepted `cookieSecret` / `CHATKIT_COOKIE_SECRET`. */
export const MIN_SECRET_LENGTH = 32;
const MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How the handler reads and issues the end-user id cookie. */
export interface UserCookie {
  /** The user id of a correctly signed cookie, or `undefined` (absent, malformed, forged, signed with an unknown key). */
  read(request: Request): Promise<string | undefined>;
  /** A fresh random user id. */
  newId(): string;
  /** The `Set-Cookie` value carrying `id`: HttpOnly, SameSite=Lax, Path=/, a year long, Secure on https. */
  serialize(id: string, request: Request): Promise<string>;
}

/** What {@link createUserCookie} needs from the handler's options. */
export interface UserCookieOptions {
  name: string;
  /** Signing secrets, newest first; read at first use. Empty → a random per-process key and one warning. */
  secrets: () => readonly string[];
  logger: SessionLogger;
}

let processKey: Promise<CryptoKey> | undefined;

/**
 * A cookie `<uuid>.<HMAC-SHA256 of the uuid, base64url>` signed with Web Crypto, so it works on Node, Deno, Bun and
 * Workers. The first secret signs; every secret verifies (rotate by prepending a new one). Verification is
 * `crypto.subtle.verify`, which compares in constant time. A client can drop its cookie and get a new id, but it cannot
 * pick an existing one.
 */
export function createUserCookie(options: UserCookieOptions): UserCookie {
  let keys: Promise<CryptoKey[]> | undefined;
  const getKeys = () =>
    (keys ??= loadKeys(options).catch((error: unknown) => {
      keys = undefined; // a configuration error is reported again on the next request, not cached
      throw error;
    }));

  return {
    async read(request) {
      const value = readCookie(request.headers.get('cookie'), options.name);
      const dot = value?.indexOf('.') ?? -1;
      if (!value || dot < 0) return undefined;
      const id = value.slice(0, dot);
      const signature = fromBase64Url(value.slice(dot + 1));
      if (!ID_PATTERN.test(id) || !signature) return undefined;
      for (const key of await getKeys()) {
        if (await crypto.subtle.verify('HMAC', key, signature, utf8(id))) return id;
      }
      return undefined;
    },
    newId: () => crypto.randomUUID(),
    async serialize(id, request) {
      const [key] = await getKeys();
      const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key!, utf8(id)));
      const secure = isHttps(request) ? '; Secure' : '';
      return `${options.name}=${id}.${toBase64Url(signature)}; Max-Age=${MAX_AGE_SECONDS}; Path=/; HttpOnly; SameSite=Lax${secure}`;
    },
  };
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

/** The value of the first cookie called `name` in a `Cookie` header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
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
