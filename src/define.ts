import { ManagedChatKit, type StateChangeDetail } from './managed-chatkit.js';
import type { ManagedChatKitErrorDetail } from './errors.js';
import type { ClientToolDetail, WidgetActionDetail } from './client-events.js';
import type { ChatKitEvents } from '@openai/chatkit';

/** `chatkit.thread.change` → `chatkit-thread-change`, as a type. */
type Dashed<Name extends string> = Name extends `${infer Head}.${infer Tail}` ? `${Head}-${Dashed<Tail>}` : Name;
/** ChatKit's events under their dashed twins, as re-fired on `<managed-chatkit>`. */
type DashedChatKitEvents = { [Name in keyof ChatKitEvents as Dashed<Name>]: ChatKitEvents[Name] };

ManagedChatKit.define();

declare global {
  interface HTMLElementTagNameMap {
    'managed-chatkit': ManagedChatKit;
  }
  // ChatKit's events reach the host under their dotted names and dashed twins, so addEventListener is typed for both.
  interface HTMLElementEventMap extends ChatKitEvents, DashedChatKitEvents {
    'managed-chatkit-statechange': CustomEvent<StateChangeDetail>;
    'managed-chatkit-error': CustomEvent<ManagedChatKitErrorDetail>;
    'managed-chatkit-client-tool': CustomEvent<ClientToolDetail>;
    'managed-chatkit-widget-action': CustomEvent<WidgetActionDetail>;
  }
}
