// React 19 / Preact / Solid: extend your JSX's IntrinsicElements with the generated CustomElements.
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
void chat;

// @ts-expect-error credentials is 'same-origin' | 'include' | 'omit'
const bad = <managed-chatkit credentials="always" />;
void bad;
