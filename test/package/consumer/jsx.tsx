// React 19 / Preact / Solid: extend your JSX's IntrinsicElements with the generated CustomElements.
// snippet:start jsx-types
import type { CustomElements } from 'managed-chatkit/jsx';

declare global {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}

const chat = (
  <managed-chatkit
    start-url="/api/chatkit/start"
    theme="dark"
    options={{ startScreen: { greeting: 'Hello from JSX' } }}
    onchatkit-thread-change={(event) => console.log(event.detail.threadId)}
  />
);
// snippet:end jsx-types
void chat;

// @ts-expect-error credentials is 'same-origin' | 'include' | 'omit'
const bad = <managed-chatkit credentials="always" />;
void bad;
