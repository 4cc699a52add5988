/**
 * What every host suite checks after tearing `<managed-chatkit>` down: listeners still attached to things that outlive
 * the element (window, document, media queries, connected nodes), and the ChatKit script tags on the page.
 */
import { doubles } from '../helpers.js';

type Key = string;

/**
 * Records every `addEventListener` / `removeEventListener` from now on (by wrapping `EventTarget.prototype`) and
 * answers how many listeners added since then are still attached to a target that outlives the element: the window,
 * the document, a `MediaQueryList`, or a node that is still in the document. Listeners on removed elements die with
 * them and are not counted. Call `stop()` to unwrap.
 */
export function trackListeners() {
  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  const live = new Map<EventTarget, Map<Key, { type: string; listener: unknown }>>();
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const key = (type: string, listener: unknown, options?: boolean | EventListenerOptions) => {
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    const fn = listener as object;
    if (!ids.has(fn)) ids.set(fn, nextId++);
    return `${type}|${capture}|${ids.get(fn)}`;
  };
  proto.addEventListener = function (this: EventTarget, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    if (listener) {
      let entries = live.get(this);
      if (!entries) live.set(this, (entries = new Map()));
      entries.set(key(type, listener, options), { type, listener });
    }
    return add.call(this, type, listener, options);
  };
  proto.removeEventListener = function (this: EventTarget, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions) {
    if (listener) live.get(this)?.delete(key(type, listener, options));
    return remove.call(this, type, listener, options);
  };
  const outlivesElement = (target: EventTarget) =>
    target === window || target === document || target instanceof MediaQueryList || (target instanceof Node && target.isConnected);
  return {
    /** Listeners added since tracking began that are still attached to something that outlives the element. */
    leaked(): string[] {
      const found: string[] = [];
      for (const [target, entries] of live) {
        if (!outlivesElement(target)) continue;
        const name = target instanceof Element ? `<${target.localName}>` : target.constructor.name;
        for (const { type } of entries.values()) found.push(`${name} ${type}`);
      }
      return found;
    },
    stop() {
      proto.addEventListener = add;
      proto.removeEventListener = remove;
    },
  };
}

/** `<script>` tags on the page that load the ChatKit double. */
export const chatkitScriptTags = () => document.querySelectorAll('script[src*="chatkit-double.js"]').length;

/** Live `<openai-chatkit>` doubles on the page. */
export const liveDoubles = () => doubles()?.instances.size ?? 0;

/** Waits for the framework's DOM work and Lit's update to settle. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Loads `src` in a fresh iframe (a page of its own: its own `customElements`, scripts and globals). */
export function loadPage(src: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 700px; border: 0';
  document.body.append(frame);
  return new Promise((resolve, reject) => {
    frame.addEventListener('load', () => resolve(frame), { once: true });
    frame.addEventListener('error', reject, { once: true });
    frame.src = src;
  });
}

/** What the counters of a host suite read in a page: script tags, live doubles, `<openai-chatkit>` elements left. */
export function pageCounts(page: Window) {
  const registry = (page as unknown as { chatkitDouble?: { instances: Set<unknown> } }).chatkitDouble;
  return {
    scripts: page.document.querySelectorAll('script[src*="chatkit-double.js"]').length,
    doubles: registry?.instances.size ?? 0,
    leftover: [...page.document.querySelectorAll('managed-chatkit')].filter((el) => el.shadowRoot?.querySelector('openai-chatkit')).length,
  };
}
