import { dashedName } from './chatkit-events.js';

/**
 * Re-fires a ChatKit event on `host`: under its dotted name unless it already crosses the shadow boundary by itself
 * (a composed event reaches the host without help), and always under its dashed twin — so each name is seen once.
 */
export function forwardChatKitEvent(host: HTMLElement, event: Event): void {
  const detail = (event as CustomEvent).detail;
  if (!event.composed) host.dispatchEvent(new CustomEvent(event.type, { detail, bubbles: true, composed: true }));
  host.dispatchEvent(new CustomEvent(dashedName(event.type), { detail, bubbles: true, composed: true }));
}
