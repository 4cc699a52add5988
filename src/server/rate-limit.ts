import { addressBucket, clientAddress, isPrivateAddress, parseIpAddress, type RequestContext } from './client-address.js';
import { flatString } from './flat-string.js';
import type { SessionLogger } from './logger.js';
import { HttpError } from './responses.js';

/** One counted request: how many requests `key` made in the current window, and ms until that window ends. */
export interface RateLimitHit {
  count: number;
  resetMs: number;
}

/**
 * Counts requests per key in fixed windows. The default {@link MemoryRateLimitStore} counts per process; when the app
 * runs as several instances (or on Workers), back it with a shared store so that all instances count together.
 *
 * @example Redis 7 (node-redis v4): one round trip, the window starts with the first hit
 * ```ts
 * const store: RateLimitStore = {
 *   async hit(key, windowMs) {
 *     const [count, , ttl] = await redis.multi().incr(key).pExpire(key, windowMs, 'NX').pTTL(key).exec();
 *     return { count: Number(count), resetMs: Math.max(0, Number(ttl)) };
 *   },
 * };
 * ```
 * @example Cloudflare KV (approximate: KV is eventually consistent — use a Durable Object for exact counts)
 * ```ts
 * const store: RateLimitStore = {
 *   async hit(key, windowMs) {
 *     const window = Math.floor(Date.now() / windowMs);
 *     const count = Number((await env.RATE_KV.get(`${key}:${window}`)) ?? 0) + 1;
 *     await env.RATE_KV.put(`${key}:${window}`, String(count), { expirationTtl: Math.max(60, Math.ceil(windowMs / 1000)) });
 *     return { count, resetMs: (window + 1) * windowMs - Date.now() };
 *   },
 * };
 * ```
 */
export interface RateLimitStore {
  /** Counts one request for `key` in a window of `windowMs` and returns the count so far in that window. */
  hit(key: string, windowMs: number): Promise<RateLimitHit> | RateLimitHit;
}

/** At most `limit` session requests per `windowMs`. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/**
 * The `rateLimit` option of `createSessionHandler`. A rule left out keeps its default
 * ({@link SESSION_RATE_LIMIT_DEFAULTS}); `false` turns that rule off; `rateLimit: false` turns both off.
 */
export interface RateLimitOptions {
  /** Per end user (cookie id or `userId(request)`); `false`: not limited. */
  perUser?: RateLimitRule | false;
  /** Per client address (IPv6 per /64), from {@link RateLimitOptions.ip}; `false`: not limited. */
  perIp?: RateLimitRule | false;
  /** Where counts live; default a {@link MemoryRateLimitStore} per handler. */
  store?: RateLimitStore;
  /**
   * The client address to count; default the adapter's `clientAddress`, or `X-Forwarded-For` with `trustProxy`.
   * On Cloudflare Workers (and only there, where Cloudflare sets it): `(request) => request.headers.get('cf-connecting-ip') ?? undefined`.
   * What it returns must be an IP address; anything else (or more than 64 characters) is ignored and the adapter's
   * `clientAddress` counted instead.
   */
  ip?: (request: Request, context: RequestContext) => string | undefined;
}

/**
 * The limits of `createSessionHandler` when `rateLimit` does not say otherwise: 10 sessions a minute per user (a page
 * load starts one, ChatKit refreshes one about every 10 minutes) and 60 a minute per address (an office or school
 * behind one NAT address). Raise a rule with `rateLimit: { perIp: { limit: 600, windowMs: 60_000 } }`, drop it with
 * `perIp: false`, or all limits with `rateLimit: false`.
 */
export const SESSION_RATE_LIMIT_DEFAULTS: Readonly<{ perUser: RateLimitRule; perIp: RateLimitRule }> = Object.freeze({
  perUser: Object.freeze({ limit: 10, windowMs: 60_000 }),
  perIp: Object.freeze({ limit: 60, windowMs: 60_000 }),
});

/**
 * A handler's `rateLimit` option with its defaults filled in: `false` → `undefined` (no limiter), a rule left out →
 * the default rule, `false` for a rule → that rule off. A second handler passes its own defaults (a ChatKit server
 * gets many more requests per user than the session routes).
 */
export function withRateLimitDefaults(
  option: RateLimitOptions | false | undefined,
  defaults: Readonly<{ perUser?: RateLimitRule | false; perIp?: RateLimitRule | false }> = SESSION_RATE_LIMIT_DEFAULTS,
): RateLimitOptions | undefined {
  if (option === false) return undefined;
  const resolved: RateLimitOptions = { ...option, perUser: option?.perUser ?? defaults.perUser, perIp: option?.perIp ?? defaults.perIp };
  return resolved.perUser || resolved.perIp ? resolved : undefined;
}

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Most keys kept; past it the oldest windows are forgotten (default 100 000: about 17 MB). */
  maxKeys?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * In-process fixed-window counter. Memory stays bounded: expired windows are pruned at most once a second on use
 * (no timers, so it also runs on Workers), and past `maxKeys` the oldest windows are dropped. Each key costs about
 * 175 bytes with a 57-character key (`npm run loadtest` measures it): 100 000 keys ≈ 17 MB.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #maxKeys: number;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor({ maxKeys = 100_000, now = Date.now }: MemoryRateLimitStoreOptions = {}) {
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  /** Number of keys held right now (expired ones included until the next sweep). */
  get size(): number {
    return this.#windows.size;
  }

  hit(key: string, windowMs: number): RateLimitHit {
    const now = this.#now();
    this.#pruneExpired(now);
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      this.#windows.delete(key); // re-insert so that Map order stays oldest-window-first
      this.#evictOldest();
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(flatString(key), window); // a key cut from a request must not keep the request's text alive
    }
    window.count += 1;
    return { count: window.count, resetMs: window.resetAt - now };
  }

  #pruneExpired(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 1000;
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }

  /** Makes room for one more key. */
  #evictOldest(): void {
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxKeys) return;
      this.#windows.delete(key);
    }
  }
}

/** Enforces the two rules of {@link RateLimitOptions}. */
export interface RateLimiter {
  /** @throws {HttpError} 429 with `Retry-After` when the client address is over `perIp`. */
  checkAddress(request: Request, context: RequestContext): Promise<void>;
  /** @throws {HttpError} 429 with `Retry-After` when the user is over `perUser`. */
  checkUser(userId: string): Promise<void>;
}

/** Longest user id used as is in a key; longer ids are counted under their SHA-256. */
const MAX_USER_KEY_LENGTH = 64;

/**
 * Builds the limiter of a session handler. A failing store lets requests through (the outage is logged) rather than
 * taking the chat down with it. With `perIp` set but no address known, requests are not counted and one warning says
 * how to supply the address. Keys are short whatever the client sends: addresses are validated (see
 * {@link clientAddress}), user ids over 64 characters are hashed. With `trustProxy`, a request whose
 * `X-Forwarded-For` looks client-written is reported once (see {@link forwardedForCheck}).
 */
export function createRateLimiter(options: RateLimitOptions, trustProxy: number, logger: SessionLogger): RateLimiter {
  const store = options.store ?? new MemoryRateLimitStore();
  const checkForwarding = forwardedForCheck(trustProxy, logger);
  let warnedNoAddress = false;

  async function enforce(rule: RateLimitRule, key: string, who: string, option: string): Promise<void> {
    let hit: RateLimitHit;
    try {
      hit = await store.hit(key, rule.windowMs);
    } catch (error) {
      logger.error(`rate-limit store failed, request allowed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (hit.count <= rule.limit) return;
    const retryAfter = Math.max(1, Math.ceil(hit.resetMs / 1000));
    throw new HttpError(
      429,
      `Too many session requests ${who}: at most ${rule.limit} per ${rule.windowMs / 1000} s (${option}); retry in ${retryAfter} s`,
      { 'Retry-After': String(retryAfter) },
    );
  }

  return {
    async checkAddress(request, context) {
      checkForwarding(request, context);
      if (!options.perIp) return;
      const address = (options.ip && parseIpAddress(options.ip(request, context))) || clientAddress(request, context, options.ip ? 0 : trustProxy);
      if (!address) {
        if (!warnedNoAddress) {
          warnedNoAddress = true;
          logger.warn(
            `rateLimit.perIp (${options.perIp.limit} per ${options.perIp.windowMs / 1000} s) is not enforced because the client address is unknown: use toNodeListener, pass { clientAddress } as the handler's second argument, set rateLimit.ip, or turn it off with rateLimit: { perIp: false }`,
          );
        }
        return;
      }
      await enforce(options.perIp, `managed-chatkit:ip:${addressBucket(address)}`, 'from this address', 'rateLimit.perIp');
    },
    async checkUser(userId) {
      if (options.perUser) await enforce(options.perUser, `managed-chatkit:user:${await userKey(userId)}`, 'for this user', 'rateLimit.perUser');
    },
  };
}

/** `userId` when short and printable, else `sha256:<base64url of its SHA-256>` (a bounded key for any id). */
async function userKey(userId: string): Promise<string> {
  if (userId.length <= MAX_USER_KEY_LENGTH && /^[\x21-\x7e]+$/.test(userId)) return userId;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(userId)));
  return `sha256:${btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/**
 * With `trustProxy` on, reports once (a warning) the first request that carries `X-Forwarded-For` but reached this
 * server straight from a public address: a proxy of your own connects from loopback or a private network, so such a
 * header was most likely written by the client, and with `trustProxy` it would choose its own rate-limit bucket.
 * (Behind a CDN that connects from public addresses, e.g. Cloudflare, the warning fires too: then make sure the origin
 * only accepts the CDN's connections, or count `rateLimit.ip` from the CDN's own header.) Does nothing without
 * `trustProxy` or without a known peer address.
 */
export function forwardedForCheck(trustProxy: number, logger: SessionLogger): (request: Request, context: RequestContext) => void {
  let warned = false;
  return (request, context) => {
    if (warned || trustProxy === 0 || !context.clientAddress || !request.headers.has('x-forwarded-for')) return;
    const peer = parseIpAddress(context.clientAddress);
    if (!peer || isPrivateAddress(peer)) return;
    warned = true;
    logger.warn(
      `trustProxy is set, but a request carrying X-Forwarded-For came straight from the public address ${peer}, not through a proxy on a private network: a client can write that header itself and choose the address it is rate-limited under. Let only your proxy reach this server, or turn trustProxy off (this warning is logged once)`,
    );
  };
}
