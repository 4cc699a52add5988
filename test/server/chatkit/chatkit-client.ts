import { createServer } from 'node:http';
import { afterEach } from 'vitest';
import { createChatKitHandler, type ChatKitHandlerOptions } from '../../../src/server/chatkit/handler.js';
import { MemoryStore } from '../../../src/server/chatkit/store/memory-store.js';
import type { StoreContext } from '../../../src/server/chatkit/store/store.js';
import type { ThreadStreamEvent } from '../../../src/server/chatkit/types.js';
import { toNodeListener } from '../../../src/server/node-adapter.js';
import { listen } from '../../fixtures/listen.js';
import { sseFrames } from '../../fixtures/sse-frames.js';

/** A valid (32+ characters) cookie-signing secret for the ChatKit tests. */
export const COOKIE_SECRET = 'chatkit-test-cookie-secret-0123456789abcdef';

/** Any wire event as the client sees it. */
export type WireEvent = { type: ThreadStreamEvent['type']; [field: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One answer of the server, read the way ChatKit.js reads it. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON for `application/json` answers. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  /** Events parsed from the SSE bytes for `text/event-stream` answers. */
  events: WireEvent[];
  /** The raw body text. */
  text: string;
}

/** A browser-like client of one user: keeps the user cookie the server sets. */
export class ChatKitClient {
  cookie: string | undefined;

  constructor(readonly url: string) {}

  /** The user id inside the signed cookie (what the store scopes by). */
  get userId(): string {
    if (!this.cookie) throw new Error('no cookie yet: make a request first');
    return this.cookie.split('=')[1]!.split('.')[0]!;
  }

  get context(): StoreContext {
    return { userId: this.userId };
  }

  /** POSTs a ChatKit request (an object, or a raw string body) and reads the whole answer. */
  async post(body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Answer> {
    const response = await this.send(body, init);
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      json: type.startsWith('application/json') ? JSON.parse(text) : undefined,
      events: type.startsWith('text/event-stream') ? parseSse(text) : [],
      text,
    };
  }

  /** POSTs and returns the raw response (for reading a stream incrementally). */
  async send(body: unknown, { headers = {}, signal }: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(this.cookie && { Cookie: this.cookie }), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal,
    });
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie) this.cookie = setCookie.split(';', 1)[0];
    return response;
  }

  /** Streams `threads.create` with one text message; returns the events. */
  async createThread(text = 'Hello, world!', input: Record<string, unknown> = {}): Promise<Answer & { threadId: string }> {
    const answer = await this.post({ type: 'threads.create', params: { input: userInput(text, input) } });
    const created = answer.events.find((event) => event.type === 'thread.created');
    return { ...answer, threadId: created?.thread.id ?? '' };
  }
}

/** A `UserMessageInput` with one text part. */
export function userInput(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { content: [{ type: 'input_text', text }], attachments: [], inference_options: {}, ...extra };
}

/** Splits SSE bytes into events; every frame must be exactly `data: <json>\n\n`. */
export function parseSse(text: string): WireEvent[] {
  if (text === '') return [];
  if (!text.endsWith('\n\n')) throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`not a single-line data frame: ${JSON.stringify(frame)}`);
      return JSON.parse(frame.slice(6)) as WireEvent;
    });
}

/** Reads SSE events from a live response one by one. */
export async function* readEvents(response: Response): AsyncGenerator<WireEvent> {
  for await (const frame of sseFrames(response.body!)) yield parseSse(`${frame}\n\n`)[0]!;
}

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * Starts `createChatKitHandler(options)` behind `toNodeListener` + `http.createServer` on 127.0.0.1 (closed after the
 * test); `store` defaults to a fresh MemoryStore and `respond` to one that answers nothing.
 */
export async function startChatKit<TContext extends StoreContext = StoreContext>(
  options: Partial<ChatKitHandlerOptions<TContext>> = {},
): Promise<{ url: string; store: MemoryStore<TContext>; client: () => ChatKitClient; logged: string[] }> {
  const store = (options.store as MemoryStore<TContext> | undefined) ?? new MemoryStore<TContext>();
  const logged: string[] = [];
  const logger = { warn: (line: string) => logged.push(line), error: (line: string) => logged.push(line) };
  const respond = options.agent ? undefined : (options.respond ?? (async function* () {}));
  const handler = createChatKitHandler<TContext>({ cookieSecret: COOKIE_SECRET, logger, ...options, store, respond } as ChatKitHandlerOptions<TContext>);
  const server = await listen(createServer(toNodeListener(handler)));
  servers.push(server);
  const url = `${server.url}/api/chatkit`;
  return { url, store, client: () => new ChatKitClient(url), logged };
}

/** ISO now. */
export const now = () => new Date().toISOString();
