import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from './client-address.js';
import { bodyTimedOut } from './read-json-body.js';

/** A Web handler as the adapter sees it; a `SessionHandler` fits, and its `paths` enable fall-through. */
export type WebHandler = ((request: Request, context: RequestContext) => Promise<Response>) & { readonly paths?: readonly string[] };

/** `(req, res)` for `node:http`, `(req, res, next)` for Express and Connect. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * ms allowed for the whole request body to arrive, from the moment the handler is called (default 10 000). A slower
   * client (a body trickling in a byte at a time) gets 408 and its connection is closed.
   */
  bodyTimeout?: number;
}

/** Time the handler gets to answer after the body deadline before the adapter answers 408 itself. */
const ANSWER_GRACE_MS = 1_000;

/**
 * Serves a Web handler from Node: `http.createServer(listener)`, `app.use(listener)` (Express) or
 * `app.use(listener)` (Connect). With a `next` (middleware), requests for paths the handler does not serve go on to
 * `next()`; on a bare server they get the handler's 404. The request body is streamed (or taken from `req.body` when
 * `express.json()` already read it), the client address is passed as `context.clientAddress`, a client that goes away
 * aborts the handler's `request.signal`, and every `Set-Cookie` of the answer is kept. Mount it before body parsers
 * where you can: an `express.json()` in front answers malformed JSON with its own (HTML) 400.
 *
 * The request URL is built from the `Host` header and the request target's path: a target such as
 * `//evil.example/api/chatkit/start` stays a path and never becomes the URL's host. The body must arrive within
 * `options.bodyTimeout`. Node's own server limits still apply before the listener runs; for a public server create it
 * with `createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, listener)` (Node's defaults: 60 s, 300 s).
 */
export function toNodeListener(handler: WebHandler, options: NodeListenerOptions = {}): NodeListener {
  const bodyTimeout = options.bodyTimeout ?? 10_000;
  if (!Number.isInteger(bodyTimeout) || bodyTimeout < 1) {
    throw new TypeError(`managed-chatkit: toNodeListener: bodyTimeout must be an integer from 1 up, got ${String(bodyTimeout)}`);
  }
  return (req, res, next) => {
    const pathname = originalUrl(req).split('?', 1)[0];
    if (next && handler.paths && !handler.paths.includes(pathname!)) {
      next();
      return;
    }
    serve(handler, req, res, bodyTimeout).catch((error: unknown) => {
      if (next) next(error);
      else if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"Internal server error"}');
      else res.destroy();
    });
  };
}

async function serve(handler: WebHandler, req: IncomingMessage, res: ServerResponse, bodyTimeout: number): Promise<void> {
  const aborted = new AbortController();
  let fallback: NodeJS.Timeout | undefined;
  res.once('close', () => {
    clearTimeout(fallback);
    if (!res.writableFinished) aborted.abort();
  });

  let request: Request;
  try {
    request = toWebRequest(req, aborted.signal, bodyTimeout, () => {
      // the handler was told (its body stream failed with 408); if it still has not answered, answer for it
      fallback = setTimeout(() => {
        if (!res.headersSent && !res.destroyed) void writeWebResponse(timeoutResponse(bodyTimeout), req, res);
      }, ANSWER_GRACE_MS);
    });
  } catch {
    res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"error":"Malformed request URL or Host header"}');
    return;
  }
  const response = await handler(request, { clientAddress: req.socket.remoteAddress });
  clearTimeout(fallback);
  if (res.headersSent) return;
  await writeWebResponse(response, req, res);
}

function timeoutResponse(bodyTimeout: number): Response {
  const error = bodyTimedOut(bodyTimeout);
  return new Response(JSON.stringify({ error: error.message }), {
    status: error.status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}

const HOST = /^(\[[\da-fA-F:.]+\]|[\w.-]+)(:\d{1,5})?$/;

/**
 * The Web `Request` for a Node request; throws for a URL or header that cannot be represented. The URL's authority
 * comes from `Host` only; the request target contributes its path and query (an absolute-form target its path too).
 */
function toWebRequest(req: IncomingMessage, signal: AbortSignal, bodyTimeout: number, onBodyTimeout: () => void): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? 'localhost';
  if (!HOST.test(host)) throw new TypeError('malformed Host header');
  const target = originalUrl(req);
  const path = target.startsWith('/') ? target : /^https?:\/\//i.test(target) ? new URL(target).pathname + new URL(target).search : undefined;
  if (path === undefined) throw new TypeError('malformed request target');
  const url = new URL(`${encrypted ? 'https' : 'http'}://${host}${path}`);
  if (url.host !== new URL(`http://${host}`).host) throw new TypeError('request target changed the host');

  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1]!);
  }

  const method = req.method ?? 'GET';
  let body: BodyInit | null = null;
  const parsed = preParsedBody(req);
  if (parsed !== undefined) {
    headers.delete('content-length');
    headers.delete('transfer-encoding');
    body = parsed;
  } else if (method !== 'GET' && method !== 'HEAD' && hasBody(req) && !req.readableEnded) {
    body = streamBody(req, bodyTimeout, onBodyTimeout);
  }
  return new Request(url, { method, headers, body, signal, ...(body && { duplex: 'half' }) } as RequestInit);
}

/**
 * A body an Express/Connect body parser already consumed, re-encoded; `undefined` when the stream is still unread.
 * (A body consumed without setting `req.body` reads as empty.)
 */
function preParsedBody(req: IncomingMessage): string | Uint8Array<ArrayBuffer> | undefined {
  const parsed = (req as { body?: unknown }).body;
  if (parsed === undefined || !req.readableEnded) return undefined;
  if (typeof parsed === 'string') return parsed;
  if (parsed instanceof Uint8Array) return new Uint8Array(parsed); // express.raw(): a Buffer
  return JSON.stringify(parsed);
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/**
 * The request body as a Web stream with back-pressure. Cancelling it (a body over the limit) stops reading without
 * destroying the socket, so the 413 still reaches the client; the connection is then closed after the answer. A body
 * not complete within `bodyTimeout` ms fails the stream with the 408 `HttpError`.
 */
function streamBody(req: IncomingMessage, bodyTimeout: number, onBodyTimeout: () => void): ReadableStream<Uint8Array> {
  let onData: (chunk: Uint8Array) => void;
  let onEnd: () => void;
  let onError: (error: Error) => void;
  let deadline: NodeJS.Timeout | undefined;
  const detach = () => {
    clearTimeout(deadline);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        deadline = setTimeout(() => {
          if (req.complete) return; // every byte arrived; the handler just has not read them all yet
          detach();
          req.pause();
          controller.error(bodyTimedOut(bodyTimeout));
          onBodyTimeout();
        }, bodyTimeout);
        onData = (chunk) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        };
        onEnd = () => {
          detach();
          controller.close();
        };
        onError = (error) => {
          detach();
          controller.error(error);
        };
        req.on('data', onData).on('end', onEnd).on('error', onError);
      },
      pull() {
        req.resume();
      },
      cancel() {
        detach();
        req.pause();
      },
    },
    { highWaterMark: 4 },
  );
}

async function writeWebResponse(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (res.destroyed) return;
  if (response.body && response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await streamWebResponse(response, response.body, res);
    return;
  }
  const body = new Uint8Array(await response.arrayBuffer());
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  if (!req.complete) res.setHeader('Connection', 'close'); // unread request body: do not reuse this connection
  if (response.status !== 204 && response.status !== 304) res.setHeader('Content-Length', body.byteLength);
  res.statusCode = response.status;
  res.end(body);
}

/**
 * Writes a streamed answer (`text/event-stream`) chunk by chunk as it is produced, flushing each chunk and honouring
 * back-pressure; a client that goes away cancels the body stream (and, through `request.signal`, the handler's work).
 */
async function streamWebResponse(response: Response, body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && name !== 'content-length') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  res.statusCode = response.status;
  res.flushHeaders();
  const reader = body.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      const drained = res.write(value);
      (res as { flush?: () => void }).flush?.(); // Express's compression() buffers until flushed
      if (!drained) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  } catch {
    // the body errored or was cancelled because the client left: nothing more to send
  } finally {
    res.off('close', onClose);
    if (!res.destroyed) res.end();
  }
}

/** The path as the client sent it: Express and Connect keep it in `originalUrl` when a mount prefix was stripped. */
function originalUrl(req: IncomingMessage): string {
  return (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}
