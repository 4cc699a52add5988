// Vue's template type-checker reads GlobalComponents; `import type {} from 'managed-chatkit/vue'` adds the element.
// snippet:start vue-types
import type { GlobalComponents } from 'vue';
import type {} from 'managed-chatkit/vue';

type Props = InstanceType<GlobalComponents['managed-chatkit']>['$props'];

const bound: Props = {
  'start-url': '/api/chatkit/start',
  theme: 'dark',
  options: { startScreen: { greeting: 'Hello from Vue' } },
  onChatkitReady: (event) => console.log(event.type),
  onChatkitThreadChange: (event) => console.log(event.detail.threadId),
  onManagedChatkitError: (event) => console.log(event.detail.phase),
};
// snippet:end vue-types
void bound;

// @ts-expect-error theme is 'light' | 'dark' | 'auto'
const badTheme: Props = { theme: 'neon' };
// @ts-expect-error the thread-change detail has threadId, not id
const badDetail: Props = { onChatkitThreadChange: (event) => event.detail.id };
void badTheme;
void badDetail;
