import { flatString } from './flat-string.js';

/** Which user a client secret was issued to, and the session it opens. */
export interface IssuedSession {
  userId: string;
  /** `cksess_…`: the session to cancel when a refresh replaces it. */
  sessionId: string;
}

/**
 * Remembers the sessions a handler issued, keyed by a hash of their client secret (never the secret itself), until
 * they expire. The default {@link MemoryIssuedSessionStore} remembers per process; with several instances share one
 * (e.g. Redis: `SET key JSON PX ttl` / `GET key`) so that any instance can check a refresh.
 */
export interface IssuedSessionStore {
  /** Keeps `session` under `key` for `ttlMs`. */
  set(key: string, session: IssuedSession, ttlMs: number): Promise<void> | void;
  /** The session under `key`, or `undefined` when unknown or expired. */
  get(key: string): Promise<IssuedSession | undefined> | IssuedSession | undefined;
  /** Forgets `key` (after its session was cancelled). Optional: without it the entry simply expires. */
  delete?(key: string): Promise<void> | void;
}

/** Options of {@link MemoryIssuedSessionStore}. */
export interface MemoryIssuedSessionStoreOptions {
  /** Most sessions remembered; past it the oldest are forgotten (default 50 000). */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * In-process store of issued sessions with bounded memory: expired entries are pruned at most once a second on use
 * (no timers), and past `maxEntries` the oldest are dropped. A forgotten entry only means a refresh cannot be checked
 * or cancel the old session (it still expires by itself).
 */
export class MemoryIssuedSessionStore implements IssuedSessionStore {
  readonly #entries = new Map<string, { session: IssuedSession; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor({ maxEntries = 50_000, now = Date.now }: MemoryIssuedSessionStoreOptions = {}) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** Number of entries held right now (expired ones included until the next sweep). */
  get size(): number {
    return this.#entries.size;
  }

  set(key: string, session: IssuedSession, ttlMs: number): void {
    const now = this.#now();
    this.#prune(now);
    this.#entries.delete(key);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
    // flat copies: an id cut from a Cookie header would otherwise keep the whole header alive as long as the entry
    this.#entries.set(flatString(key), { session: { userId: flatString(session.userId), sessionId: flatString(session.sessionId) }, expiresAt: now + ttlMs });
  }

  get(key: string): IssuedSession | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.expiresAt > this.#now() ? entry.session : undefined;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  #prune(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 1000;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}

/** The store key of a client secret: `managed-chatkit:secret:` and the base64url SHA-256 of the secret. */
export async function issuedSessionKey(clientSecret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(clientSecret)));
  return `managed-chatkit:secret:${btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}
