// Svelte 5 reads SvelteHTMLElements; `import type {} from 'managed-chatkit/svelte'` adds the element.
// snippet:start svelte-types
import type { SvelteHTMLElements } from 'svelte/elements';
import type {} from 'managed-chatkit/svelte';

type Props = SvelteHTMLElements['managed-chatkit'];

const attributes: Props = {
  'start-url': '/api/chatkit/start',
  theme: 'auto',
  class: 'chat',
  options: { composer: { placeholder: 'Ask' } },
  'onchatkit-ready': (event) => console.log(event.type),
  'onchatkit-thread-change': (event) => console.log(event.detail.threadId),
  'onmanaged-chatkit-error': (event) => console.log(event.detail.message),
};
// snippet:end svelte-types
void attributes;

// @ts-expect-error loading is 'eager' | 'lazy'
const badLoading: Props = { loading: 'later' };
void badLoading;
