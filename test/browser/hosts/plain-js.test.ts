/**
 * <managed-chatkit> from plain JavaScript — the example docs/hosts.md points to: create it, set attributes and
 * properties, listen under the dotted names, call ChatKit's methods before it is ready (they are queued).
 */
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { ManagedChatKitErrorDetail } from '../../../src/index.js';
import { doubleSrc, innerDouble, scenario, untilState } from '../helpers.js';

describe('<managed-chatkit> from plain JavaScript', () => {
  afterEach(() => document.body.replaceChildren());

  it('attributes, options and sessionHeaders reach ChatKit and the endpoint; dotted events; queued methods resolve', async () => {
    const s = scenario('plain-js');
    const scriptSrc = doubleSrc();
    const threads: Array<string | null> = [];
    const errors: ManagedChatKitErrorDetail[] = [];

    // snippet:start plain-js
    const chat = document.createElement('managed-chatkit');
    chat.setAttribute('start-url', s.startUrl);
    chat.setAttribute('script-src', scriptSrc); // tests only: the ChatKit double instead of ChatKit's CDN
    chat.theme = 'dark';
    chat.options = { startScreen: { greeting: 'Hello from plain JS' } };
    chat.sessionHeaders = { 'x-csrf-token': 'token-123' };
    chat.addEventListener('chatkit.thread.change', (event) => threads.push(event.detail.threadId));
    chat.addEventListener('managed-chatkit-error', (event) => errors.push(event.detail));
    document.body.append(chat);
    const opened = chat.setThreadId('thread-plain'); // queued until ChatKit is ready
    // snippet:end plain-js

    await untilState(chat, 'ready');
    await opened;
    expect(innerDouble(chat)!.secret).to.equal('secret-start-1');
    expect(innerDouble(chat)!.calls).to.deep.equal([{ method: 'setThreadId', args: ['thread-plain'] }]);
    expect(threads).to.deep.equal(['thread-plain']);
    expect(errors).to.deep.equal([]);
    const options = innerDouble(chat)!.options;
    expect(options.startScreen).to.deep.equal({ greeting: 'Hello from plain JS' });
    expect(options.theme).to.deep.equal({ colorScheme: 'dark' });
    const log = await s.log();
    expect(log.map((entry) => [entry.kind, entry.headers['x-csrf-token']])).to.deep.equal([['start', 'token-123']]);
  });
});
