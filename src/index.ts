/**
 * managed-chatkit — `<managed-chatkit>`: OpenAI ChatKit on any page, without React.
 * Importing this module registers the element (once, even with two copies on a page).
 */
import './define.js';

export { ManagedChatKit, DEFAULT_START_URL, DEFAULT_REFRESH_URL, DEFAULT_TIMEOUT } from './managed-chatkit.js';
export type { ManagedChatKitState, StateChangeDetail } from './managed-chatkit.js';
export type { ErrorPhase, ManagedChatKitError, ManagedChatKitErrorDetail } from './errors.js';
export type { ChatKitOptionsInput, ThemeAttribute } from './chatkit-options.js';
export type { ClientToolDetail, WidgetActionDetail } from './client-events.js';
export { DEFAULT_SCRIPT_SRC, TRUSTED_TYPES_POLICY } from './script-tag.js';
