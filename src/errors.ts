import type { FailureFacts, FailureReason } from './failure-messages.js';

/** The wording of every reason: src/failure-messages.ts installs it when its chunk arrives (see {@link useWording}). */
let wording: ((reason: Reason) => string) | null = null;

/** Called by the wording's chunk as it is evaluated: from then on every failure is worded as it is created. */
export function useWording(words: (reason: Reason) => string): void {
  wording = words;
}

/** A reason with the facts its message quotes. */
export type Reason = { [R in FailureReason]: [R, ...FailureFacts[R]] }[FailureReason];

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

interface ErrorInit {
  status?: number;
  retryable?: boolean;
  cause?: unknown;
}

/** An error that knows its phase and how to explain itself to the page author. */
export class ManagedChatKitError extends Error {
  override name = 'ManagedChatKitError';
  readonly phase: ErrorPhase;
  readonly status?: number;
  readonly retryable: boolean;
  /** A failure created {@link because} a known reason: its wording is written into `message` by {@link word}. */
  readonly reason?: Reason;

  constructor(phase: ErrorPhase, message: string, init: ErrorInit = {}) {
    super(message, { cause: init.cause });
    this.phase = phase;
    this.status = init.status;
    this.retryable = init.retryable ?? phase !== 'config';
  }

  /**
   * A failure for a known reason, with the facts its message quotes. The wording lives in a chunk of its own
   * (src/failure-messages.ts) that the element fetches on its first failure; until then `message` names the reason.
   */
  static because<R extends FailureReason>(phase: ErrorPhase, reason: R, facts: FailureFacts[R], init?: ErrorInit): ManagedChatKitError {
    const because = reasonOf(reason, facts);
    const error = new ManagedChatKitError(phase, unworded(because), init);
    (error as { reason?: Reason }).reason = because;
    if (wording) error.message = wording(because);
    return error;
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

/** `reason` and its facts as one tuple. */
export function reasonOf<R extends FailureReason>(reason: R, facts: FailureFacts[R]): Reason {
  return [reason, ...facts] as unknown as Reason;
}

/** A message for a reason before its wording is in (or when it could not be fetched): the reason and its facts. */
export function unworded([reason, ...facts]: Reason): string {
  return `${reason} ${JSON.stringify(facts)}`;
}
