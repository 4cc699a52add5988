// `import 'managed-chatkit'` registers the element and types it everywhere the DOM hands it out.
// snippet:start element-types
import { ManagedChatKit, type ChatKitOptionsInput, type ManagedChatKitErrorDetail } from 'managed-chatkit';

const element = document.createElement('managed-chatkit');
const typed: ManagedChatKit = element;
typed.startUrl = '/api/chatkit/start';
typed.sessionHeaders = { 'x-csrf-token': 'token' };

const options: ChatKitOptionsInput = { theme: { colorScheme: 'dark' }, startScreen: { greeting: 'Hi' } };
element.options = options;
element.addEventListener('managed-chatkit-error', (event) => {
  const detail: ManagedChatKitErrorDetail = event.detail;
  console.log(detail.phase, detail.message, detail.retryable);
});
element.addEventListener('managed-chatkit-statechange', (event) => console.log(event.detail.state, event.detail.previous));
void element.setThreadId('thread_123');
document.querySelector('managed-chatkit')?.retry();
// snippet:end element-types

// @ts-expect-error ChatKit's colorScheme is 'light' | 'dark'
element.options = { theme: { colorScheme: 'purple' } };
// @ts-expect-error `api` is always the element's own
element.options = { api: { getClientSecret: async () => 'secret' } };
// @ts-expect-error `state` is read-only
element.state = 'ready';

// ChatKit's events, under their dotted names and dashed twins, are typed on the element too.
element.addEventListener('chatkit.thread.change', (event) => console.log(event.detail.threadId));
element.addEventListener('chatkit-thread-change', (event) => console.log(event.detail.threadId));
// @ts-expect-error the thread-change detail has threadId, not id
element.addEventListener('chatkit-thread-change', (event) => console.log(event.detail.id));
