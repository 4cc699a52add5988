import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Tracks `prefers-color-scheme: dark` live while the host is connected, and calls `onChange` when it flips. */
export class ColorSchemeController implements ReactiveController {
  #query: MediaQueryList | null = null;
  readonly #onChange: () => void;

  constructor(host: ReactiveControllerHost, onChange: () => void) {
    this.#onChange = onChange;
    host.addController(this);
  }

  /** Whether the visitor prefers a dark color scheme right now. */
  get dark(): boolean {
    return this.#query?.matches ?? globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  }

  readonly #listener = (): void => this.#onChange();

  hostConnected(): void {
    this.#query = globalThis.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this.#query?.addEventListener('change', this.#listener);
  }

  hostDisconnected(): void {
    this.#query?.removeEventListener('change', this.#listener);
    this.#query = null;
  }
}
