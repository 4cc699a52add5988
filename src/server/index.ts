/**
 * `managed-chatkit/server`: the session endpoint behind `<managed-chatkit>`, as a Web-standard handler plus adapters
 * for Node (`http`, Express, Connect) and Vite. See docs/server.md.
 */
export { createSessionHandler, type SessionHandler } from './session-handler.js';
export type { SessionHandlerOptions } from './options.js';
export type { RequestContext } from './client-address.js';
export type { SessionLogger } from './logger.js';
export type { SessionsClient } from './upstream.js';
export {
  MemoryIssuedSessionStore,
  type IssuedSession,
  type IssuedSessionStore,
  type MemoryIssuedSessionStoreOptions,
} from './issued-sessions.js';
export {
  MemoryRateLimitStore,
  SESSION_RATE_LIMIT_DEFAULTS,
  type MemoryRateLimitStoreOptions,
  type RateLimitHit,
  type RateLimitOptions,
  type RateLimitRule,
  type RateLimitStore,
} from './rate-limit.js';
export { toNodeListener, type NodeListener, type NodeListenerOptions, type WebHandler } from './node-adapter.js';
export { chatkitSessions } from './vite-plugin.js';
