import { styles } from './managed-chatkit.styles.js';

/** What the view shows: ChatKit (once it exists) and, over it, the loading or the error view. */
export interface ViewState {
  chatkit: HTMLElement | null;
  overlay: 'loading' | 'error' | null;
  /** The error view's text. */
  message?: string;
}

/**
 * The element's shadow DOM: a surface holding ChatKit, and the loading view (slot `loading`) or the error view (slot
 * `error`, with a Retry button) over it. Built with DOM calls — no templates to evaluate, nothing for Trusted Types to
 * refuse — and changed in place, so ChatKit's frame is never moved once it is in.
 */
export class ElementView {
  /** ChatKit's box; the launcher moves it into its panel. */
  readonly surface = document.createElement('div');
  #overlay: HTMLElement | null = null;
  #shown: ViewState['overlay'] = null;
  #message: HTMLParagraphElement | null = null;

  readonly #retry: () => void;

  constructor(root: ShadowRoot, retry: () => void) {
    root.adoptedStyleSheets = [styles];
    this.surface.className = 'surface';
    root.replaceChildren(this.surface);
    this.#retry = retry;
  }

  render({ chatkit, overlay, message }: ViewState): void {
    const surface = this.surface;
    if (chatkit && chatkit.parentNode !== surface) surface.prepend(chatkit);
    for (const child of [...surface.children]) if (child !== chatkit && child !== this.#overlay) child.remove();
    if (overlay !== this.#shown) {
      this.#overlay?.remove();
      this.#overlay = overlay && (overlay === 'error' ? this.#errorView() : loadingView());
      this.#shown = overlay;
      if (this.#overlay) surface.append(this.#overlay);
    }
    if (this.#message) this.#message.textContent = message ?? 'The chat could not start.';
  }

  #errorView(): HTMLElement {
    const retry = element('button', { part: 'retry-button', type: 'button' }, 'Retry');
    retry.addEventListener('click', () => this.#retry());
    this.#message = element('p');
    return element('div', { class: 'overlay', part: 'error', role: 'alert' }, element('slot', { name: 'error' }, this.#message, retry));
  }
}

function loadingView(): HTMLElement {
  return element(
    'div',
    { class: 'overlay', 'aria-busy': 'true' },
    element('slot', { name: 'loading' }, element('div', { class: 'spinner', role: 'status', 'aria-label': 'Loading chat' })),
  );
}

/** `document.createElement` with attributes and children. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}
