/** demo/custom.html: the shared event log, plus the "New thread" button and this page's hostname in the live-mode notes. */
import { write } from './demo.js';

const chat = document.querySelector('#chat') as HTMLElementTagNameMap['managed-chatkit'];
document.querySelector('#new-thread')?.addEventListener('click', () => {
  write('— New thread');
  void chat.setThreadId(null);
});
for (const node of document.querySelectorAll('.hostname')) node.textContent = location.hostname;
