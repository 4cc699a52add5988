/**
 * The workload of the ChatKit load phase: its pacing, the texts, the reply every turn must get (the clients check it in
 * the stream and in the store afterwards), and a model wrapper that can hold every running answer after its first text chunk, so that
 * memory is measured while all streams are open at once.
 */
import type { AgentInputItem, Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents';
import { fakeModel, type FakeModel } from '../test/fixtures/fake-model.js';

/** The fake model's time to first token and delay between chunks (realistic for a hosted model). */
export const FIRST_TOKEN_MS = 300;
export const CHUNK_MS = 20;
/** A user reads the answer and types the next message: a pause of THINK_MS ± THINK_JITTER_MS between turns. */
export const THINK_MS = 1_000;
export const THINK_JITTER_MS = 500;
/** Conversations start this many ms apart (240 start within 1.2 s), as users arrive rather than in one instant. */
export const ARRIVAL_MS = 5;

const TAIL =
  'Here is a considered answer streamed word by word, the way a hosted model sends its tokens, long enough that every ' +
  'stream stays open for over a second while the server saves each item it completes.';

/** The user's text of turn `turn` (0 = threads.create) of conversation `conversation`. */
export function userText(conversation: number, turn: number): string {
  return `Conversation ${conversation}, message ${turn + 1}: how does this work?`;
}

/** The assistant's answer to a user text: unique per turn, 46 chunks (a stream stays open at least 1.2 s). */
export function replyTo(text: string): string {
  return `Reply to "${text}" ${TAIL}`;
}

function lastUserText(input: AgentInputItem[]): string {
  for (let i = input.length - 1; i >= 0; i -= 1) {
    const item = input[i] as { role?: string; content?: unknown };
    if (item.role !== 'user') continue;
    if (typeof item.content === 'string') return item.content;
    if (Array.isArray(item.content)) return item.content.map((part: { text?: string }) => part.text ?? '').join('');
  }
  return '';
}

/**
 * The fake model behind a gate: while the gate is closed, each answer stops after its first text chunk until
 * `release()`. Counts the answers in progress (`active`, `peak`) and those waiting at the gate (`held`).
 */
export class GatedModel implements Model {
  readonly inner: FakeModel = fakeModel({ reply: (input) => replyTo(lastUserText(input)), firstTokenMs: FIRST_TOKEN_MS, tokenMs: CHUNK_MS });
  active = 0;
  peak = 0;
  held = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  /** From now on, answers wait after their first text chunk. */
  hold(): void {
    this.#gate ??= new Promise<void>((resolve) => (this.#open = resolve));
  }

  /** Lets every waiting answer go on. */
  release(): void {
    this.#open?.();
    this.#gate = undefined;
    this.#open = undefined;
  }

  getResponse(request: ModelRequest): Promise<ModelResponse> {
    return this.inner.getResponse(request);
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    let waited = false;
    try {
      for await (const event of this.inner.getStreamedResponse(request)) {
        yield event;
        const gate = this.#gate;
        // The raw Responses delta follows the SDK's own output_text_delta: hold after it, once the text went out.
        if (!waited && gate && event.type === 'model' && (event.event as { type?: string }).type === 'response.output_text.delta') {
          waited = true;
          this.held += 1;
          try {
            await gate;
          } finally {
            this.held -= 1;
          }
        }
      }
    } finally {
      this.active -= 1;
    }
  }

  /** Drops what the fake model records per call (its own bookkeeping, not the server's). */
  forgetStats(): void {
    const stats = this.inner.stats;
    stats.requests.length = 0;
    stats.requestAt.length = 0;
    stats.firstTokenAt.length = 0;
  }
}
