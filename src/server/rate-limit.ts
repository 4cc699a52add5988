import { addressBucket, clientAddress, type RequestContext } from './client-address.js';
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

/** The `rateLimit` option of `createSessionHandler`. Rules left out are not enforced. */
export interface RateLimitOptions {
  /** Per end user (cookie id or `userId(request)`). */
  perUser?: RateLimitRule;
  /** Per client address (IPv6 per /64), from {@link RateLimitOptions.ip}. */
  perIp?: RateLimitRule;
  /** Where counts live; default a {@link MemoryRateLimitStore} per handler. */
  store?: RateLimitStore;
  /**
   * The client address to count; default the adapter's `clientAddress`, or `X-Forwarded-For` with `trustProxy`.
   * On Workers: `(request) => request.headers.get('cf-connecting-ip') ?? undefined`.
   */
  ip?: (request: Request, context: RequestContext) => string | undefined;
}

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Most keys kept; past it the oldest windows are forgotten (default 100 000, a few MB). */
  maxKeys?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * In-process fixed-window counter. Memory stays bounded: expired windows are pruned at most once a second on use
 * (no timers, so it also runs on Workers), and past `maxKeys` the oldest windows are dropped.
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
      this.#windows.set(key, window);
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

/**
 * Builds the limiter of a session handler. A failing store lets requests through (the outage is logged) rather than
 * taking the chat down with it. With `perIp` set but no address known, requests are not counted and one warning says
 * how to supply the address.
 */
export function createRateLimiter(options: RateLimitOptions, trustProxy: number, logger: SessionLogger): RateLimiter {
  const store = options.store ?? new MemoryRateLimitStore();
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
      if (!options.perIp) return;
      const address = options.ip ? options.ip(request, context) : clientAddress(request, context, trustProxy);
      if (!address) {
        if (!warnedNoAddress) {
          warnedNoAddress = true;
          logger.warn(
            'rateLimit.perIp is set but the client address is unknown, so it is not enforced: use toNodeListener, pass { clientAddress } as the handler\'s second argument, or set rateLimit.ip',
          );
        }
        return;
      }
      await enforce(options.perIp, `managed-chatkit:ip:${addressBucket(address)}`, 'from this address', 'rateLimit.perIp');
    },
    async checkUser(userId) {
      if (options.perUser) await enforce(options.perUser, `managed-chatkit:user:${userId}`, 'for this user', 'rateLimit.perUser');
    },
  };
}
