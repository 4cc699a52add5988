import { ManagedChatKit, type StateChangeDetail } from './managed-chatkit.js';
import type { ManagedChatKitErrorDetail } from './errors.js';

ManagedChatKit.define();

declare global {
  interface HTMLElementTagNameMap {
    'managed-chatkit': ManagedChatKit;
  }
  interface HTMLElementEventMap {
    'managed-chatkit-statechange': CustomEvent<StateChangeDetail>;
    'managed-chatkit-error': CustomEvent<ManagedChatKitErrorDetail>;
  }
}
