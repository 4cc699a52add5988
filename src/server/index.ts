/**
 * `managed-chatkit/server`: the session endpoint behind `<managed-chatkit>` (hosted mode) and a ChatKit server for
 * custom-backend mode (`createChatKitHandler`), as Web-standard handlers plus adapters for Node (`http`, Express,
 * Connect) and Vite. See docs/server.md and docs/chatkit-server.md.
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

// ── ChatKit server (custom-backend mode); see docs/chatkit-server.md ────────────────────────────────────────────────
export { CHATKIT_RATE_LIMIT_DEFAULTS, createChatKitHandler, DEFAULT_DATABASE_PATH, type AgentLike, type ChatKitHandler, type ChatKitHandlerOptions } from './chatkit/handler.js';
export {
  createChatKitServer,
  saveCancelledStream,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  DEFAULT_ERROR_MESSAGE,
  STREAM_CANCELLED_CONTEXT,
  type AttachmentStore,
  type ChatKitHooks,
  type ChatKitServer,
  type ChatKitServerOptions,
  type ProcessResult,
  type Respond,
  type RespondOptions,
} from './chatkit/server.js';
export { StreamError, CustomStreamError, BaseStreamError, ErrorCode } from './chatkit/errors.js';
export { parseChatKitRequest, isStreamingRequest, chatKitRequestSchema, type ParseResult } from './chatkit/request-schema.js';
export { isHiddenItem } from './chatkit/types.js';
export type * from './chatkit/types.js';
export { streamWidget, diffWidget } from './chatkit/widgets.js';
// Stores: drivers (better-sqlite3, pg) are imported on first use, never by importing this entry.
export { MemoryStore } from './chatkit/store/memory-store.js';
export { SqliteStore, type SqliteStoreOptions } from './chatkit/store/sqlite-store.js';
export { PostgresStore, type PostgresStoreOptions } from './chatkit/store/postgres-store.js';
export { defaultGenerateId, NotFoundError, StoreUnavailableError, type Order, type Store, type StoreContext, type StoreItemType } from './chatkit/store/store.js';
// Agent helpers (agentResponder, AgentContext, converters) need @openai/agents: they are `managed-chatkit/server/agents`.
export { chatkitServer } from './vite-plugin.js';
