/** Where the session handler reports problems; `console` fits. Only `warn` and `error` are used. */
export interface SessionLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Shapes of OpenAI API keys (`sk-…`, `sk-proj-…`, masked `sk-ab***yz`) and ChatKit client secrets (`ek_…`). */
const SECRET_PATTERN = /\bsk-[\w*-]{3,}|\bek_[\w-]+/g;
const REDACTED = '[redacted]';

/** Replaces every known secret and anything shaped like an API key or client secret with `[redacted]`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result.replace(SECRET_PATTERN, REDACTED);
}

/**
 * Wraps a logger so that no line it receives can carry a secret: each line is prefixed `managed-chatkit:` and
 * passed through {@link redact} with the secrets known at that moment.
 */
export function redactingLogger(logger: SessionLogger, secrets: () => Iterable<string>): SessionLogger {
  const line = (message: string) => `managed-chatkit: ${redact(message, secrets())}`;
  return {
    warn: (message) => logger.warn(line(message)),
    error: (message) => logger.error(line(message)),
  };
}
