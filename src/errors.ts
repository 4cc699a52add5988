/**
 * Where a failure happened: loading the ChatKit script, fetching a client secret, reading the configuration, or ChatKit
 * itself (mounted, but not ready within `timeout`, or an error before it was).
 */
export type ErrorPhase = 'script' | 'session' | 'config' | 'chatkit';

/** Detail of the `managed-chatkit-error` event. */
export interface ManagedChatKitErrorDetail {
  phase: ErrorPhase;
  /** Says what happened and what to fix: which attribute, which URL, what status or body came back. */
  message: string;
  /** HTTP status of a session answer, when there was one. */
  status?: number;
  /** Whether calling `retry()` without changing anything may succeed (network, timeout, 5xx, 429). */
  retryable: boolean;
}

/** An error that knows its phase and how to explain itself to the page author. */
export class ManagedChatKitError extends Error {
  override name = 'ManagedChatKitError';
  readonly phase: ErrorPhase;
  readonly status?: number;
  readonly retryable: boolean;

  constructor(phase: ErrorPhase, message: string, init: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: init.cause });
    this.phase = phase;
    this.status = init.status;
    this.retryable = init.retryable ?? phase !== 'config';
  }

  /** Wraps anything thrown into a ManagedChatKitError of the given phase. */
  static from(error: unknown, phase: ErrorPhase): ManagedChatKitError {
    if (error instanceof ManagedChatKitError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ManagedChatKitError(phase, message, { cause: error });
  }

  toDetail(): ManagedChatKitErrorDetail {
    const detail: ManagedChatKitErrorDetail = { phase: this.phase, message: this.message, retryable: this.retryable };
    if (this.status !== undefined) detail.status = this.status;
    return detail;
  }
}
