import { HttpError } from './responses.js';

/** `application/json` or any `…+json` type, parameters ignored. */
function isJsonType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/** Options of {@link readJsonBody}. */
export interface ReadBodyOptions {
  /** ms allowed for the whole body to arrive, from the first read (default: no deadline). Past it: 408. */
  timeout?: number | undefined;
}

/**
 * Reads a request body as a JSON object of at most `maxBytes` bytes; an empty body reads as `{}`.
 * The limit is enforced while the stream is read (a missing or lying `Content-Length` does not help a client), and so
 * is `options.timeout` (a body trickling in a byte at a time cannot hold the request open).
 * @throws {HttpError} 415 for a non-JSON `Content-Type`, 413 past `maxBytes`, 408 past `options.timeout`, 400 for
 * anything that is not a JSON object.
 */
export async function readJsonBody(request: Request, maxBytes: number, options: ReadBodyOptions = {}): Promise<Record<string, unknown>> {
  const contentType = request.headers.get('content-type');
  if (contentType !== null && !isJsonType(contentType)) {
    throw new HttpError(415, `Content-Type ${contentType} is not accepted: send the body as JSON with Content-Type: application/json`);
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);

  const bytes = await readLimited(request, maxBytes, options.timeout);
  if (bytes.byteLength === 0) return {};
  if (contentType === null) {
    throw new HttpError(415, 'The request has a body but no Content-Type: send it as JSON with Content-Type: application/json');
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON: send a JSON object such as {} or {"currentClientSecret": "…"}');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new HttpError(400, 'The request body must be a JSON object such as {} or {"currentClientSecret": "…"}');
  }
  return json as Record<string, unknown>;
}

async function readLimited(request: Request, maxBytes: number, timeout: number | undefined): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timedOut = false;
  const timer =
    timeout === undefined ? undefined : (
      setTimeout(() => {
        timedOut = true;
        reader.cancel().catch(() => {}); // resolves the pending read as done
      }, timeout)
    );
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) throw bodyTimedOut(timeout!);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (timedOut) throw bodyTimedOut(timeout!);
    throw new HttpError(400, 'The request body could not be read completely: the client stopped sending it');
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The 408 for a body that did not arrive in time (also used by the Node adapter's own deadline). */
export function bodyTimedOut(timeout: number): HttpError {
  return new HttpError(408, `The request body did not arrive within ${timeout} ms (bodyTimeout): send the whole body at once`);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `The request body is larger than ${maxBytes} bytes (maxBodyBytes): a session request needs only a small JSON object`);
}
