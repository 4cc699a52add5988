/** Tracks `prefers-color-scheme: dark` live while started, and calls `onChange` when it flips. */
export class ColorScheme {
  #query: MediaQueryList | null = null;
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  /** Whether the visitor prefers a dark color scheme right now. */
  get dark(): boolean {
    return this.#query?.matches ?? globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  }

  readonly #listener = (): void => this.#onChange();

  start(): void {
    if (this.#query) return;
    this.#query = globalThis.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this.#query?.addEventListener('change', this.#listener);
  }

  stop(): void {
    this.#query?.removeEventListener('change', this.#listener);
    this.#query = null;
  }
}
