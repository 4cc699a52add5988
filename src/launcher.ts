import type { ManagedChatKit } from './managed-chatkit.js';

// This chunk imports nothing at run time: whatever it shared with the rest of the element would become a third file.
const css = String.raw;
const styles = new CSSStyleSheet();
styles.replaceSync(css`
  [part='launcher'] {
    position: fixed;
    right: var(--managed-chatkit-launcher-inset, 20px);
    bottom: var(--managed-chatkit-launcher-inset, 20px);
    z-index: var(--managed-chatkit-z-index, 2147483000);
    display: grid;
    place-items: center;
    width: 56px;
    height: 56px;
    border-radius: 50%;
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
  }
  [part='launcher'] svg {
    width: 26px;
    height: 26px;
  }
  [part='panel'] {
    position: fixed;
    right: var(--managed-chatkit-launcher-inset, 20px);
    bottom: calc(var(--managed-chatkit-launcher-inset, 20px) + 72px);
    z-index: var(--managed-chatkit-z-index, 2147483000);
    width: var(--managed-chatkit-panel-width, 400px);
    height: var(--managed-chatkit-panel-height, min(640px, calc(100dvh - 120px)));
    max-width: calc(100vw - 2 * var(--managed-chatkit-launcher-inset, 20px));
    border-radius: 16px;
    overflow: hidden;
    background: Canvas;
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.25);
  }
  [part='panel'][hidden] {
    display: none;
  }
  @media (max-width: 640px) {
    [part='panel'] {
      inset: 0;
      width: auto;
      height: auto;
      max-width: none;
      border-radius: 0;
    }
    :host([open]) [part='launcher'] {
      bottom: auto;
      top: 12px;
      width: 40px;
      height: 40px;
    }
  }
`);

const SVG = 'http://www.w3.org/2000/svg';
const HTML = 'http://www.w3.org/1999/xhtml';
/** The button's icons: a speech bubble while closed, a cross while open. */
const ICONS = {
  chat: 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z',
  close: 'M6 6l12 12M18 6L6 18',
};

/**
 * `launcher`: a floating button (slot `launcher` for its icon) and a dialog panel that holds the element's surface.
 * Escape closes the panel from the button or the panel and focus returns to the button. Fetched only by elements that
 * have the attribute.
 */
export class Launcher {
  readonly #host: ManagedChatKit;
  readonly #root: ShadowRoot;
  readonly #surface: HTMLElement;
  readonly #button: HTMLButtonElement;
  readonly #panel: HTMLDivElement;
  readonly #icon: SVGPathElement;
  #wasOpen = false;

  /** @param warmUp called when the pointer or focus reaches the button: a visitor may be about to open it. */
  constructor(host: ManagedChatKit, root: ShadowRoot, surface: HTMLElement, warmUp: () => void) {
    this.#host = host;
    this.#root = root;
    this.#surface = surface;
    const svg = create(SVG, 'svg', { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true' });
    this.#icon = create(SVG, 'path', {}) as SVGPathElement;
    svg.append(this.#icon);
    const slot = create(HTML, 'slot', { name: 'launcher' });
    slot.append(svg);
    this.#button = create(HTML, 'button', { part: 'launcher', type: 'button', 'aria-haspopup': 'dialog', 'aria-controls': 'panel' }) as HTMLButtonElement;
    this.#button.append(slot);
    this.#button.addEventListener('click', () => host.toggle());
    this.#button.addEventListener('pointerenter', warmUp);
    this.#button.addEventListener('focus', warmUp);
    this.#panel = create(HTML, 'div', { part: 'panel', id: 'panel', role: 'dialog', 'aria-label': 'Chat' }) as HTMLDivElement;
    this.#panel.append(surface);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles];
    root.append(this.#button, this.#panel);
    host.addEventListener('keydown', this.#onKeydown);
  }

  /** Shows the panel open or closed; closing it with focus inside returns focus to the button. */
  render(open: boolean): void {
    const focusInPanel = this.#wasOpen && !open && this.#panel.contains(this.#root.activeElement);
    this.#wasOpen = open;
    this.#button.setAttribute('aria-expanded', String(open));
    this.#button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    this.#icon.setAttribute('d', open ? ICONS.close : ICONS.chat);
    this.#panel.hidden = !open;
    if (focusInPanel) this.#button.focus();
  }

  /** `launcher` was removed: the surface goes back to the root, the button and panel away. */
  dispose(): void {
    this.#host.removeEventListener('keydown', this.#onKeydown);
    this.#root.adoptedStyleSheets = this.#root.adoptedStyleSheets.filter((sheet) => sheet !== styles);
    this.#root.prepend(this.#surface);
    this.#button.remove();
    this.#panel.remove();
  }

  /** Escape closes the panel (from the button or the panel) and focus returns to the button. */
  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.#host.open) return;
    event.stopPropagation();
    if (this.#panel.contains(this.#root.activeElement)) this.#button.focus();
    this.#host.hide();
  };
}

/** An element of namespace `ns` with attributes. */
function create(ns: string, tag: string, attributes: Record<string, string>): Element {
  const node = document.createElementNS(ns, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}
