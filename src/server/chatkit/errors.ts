/**
 * Errors a responder throws to end a stream with an `error` event the client shows (chatkit-python's errors.py).
 * Any other exception ends the stream with `stream.error` and the default message; its details stay in the server log.
 */

/** Error codes ChatKit.js maps to localized messages. Not a closed set: new codes can be added. */
export const ErrorCode = {
  STREAM_ERROR: 'stream.error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status each code stands for (informational; streams have already answered 200). */
export const DEFAULT_STATUS: Readonly<Record<ErrorCode, number>> = { [ErrorCode.STREAM_ERROR]: 500 };
/** Whether the client offers a retry for each code when `allowRetry` is not given. */
export const DEFAULT_ALLOW_RETRY: Readonly<Record<ErrorCode, boolean>> = { [ErrorCode.STREAM_ERROR]: true };

/** Common base of {@link StreamError} and {@link CustomStreamError}. */
export abstract class BaseStreamError extends Error {
  abstract readonly allowRetry: boolean;
}

/** An error with a code the client turns into a localized message. Becomes `{"type":"error","code":…}`. */
export class StreamError extends BaseStreamError {
  override name = 'StreamError';
  readonly code: ErrorCode | (string & {});
  readonly statusCode: number;
  readonly allowRetry: boolean;

  constructor(code: ErrorCode | (string & {}), { allowRetry }: { allowRetry?: boolean } = {}) {
    super(`ChatKit stream error ${code}`);
    this.code = code;
    this.statusCode = DEFAULT_STATUS[code as ErrorCode] ?? 500;
    this.allowRetry = allowRetry ?? DEFAULT_ALLOW_RETRY[code as ErrorCode] ?? false;
  }
}

/**
 * An error whose message is shown to the user as is (localize it before throwing).
 * Becomes `{"type":"error","code":"custom","message":…}`.
 */
export class CustomStreamError extends BaseStreamError {
  override name = 'CustomStreamError';
  readonly allowRetry: boolean;

  constructor(message: string, { allowRetry = false }: { allowRetry?: boolean } = {}) {
    super(message);
    this.allowRetry = allowRetry;
  }
}
