/**
 * <managed-chatkit> in React 19 — the example docs/hosts.md points to. React 19 sets a property when the element has
 * one (`options`, `theme`), an attribute otherwise (`start-url`), and `on<event name>` props listen to that exact event
 * name (`onchatkit.ready`). With server rendering, see the SSR test: properties and `on…` listeners are not applied on
 * hydration (React's behaviour), so options travel as a JSON attribute and events through a ref.
 */
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { ManagedChatKit, type ManagedChatKitErrorDetail } from '../../../src/index.js';
import { createElement, createRoot, flushSync, hydrateRoot, renderToString, useState } from 'react-bundle';
import { doubleSrc, innerDouble, scenario, sleep, until, untilState } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle } from './host-helpers.js';

/** What the tests read from the component. */
const seen = { ready: 0, threads: [] as Array<string | null>, errors: [] as ManagedChatKitErrorDetail[] };

// snippet:start react-component
function ChatPanel({ startUrl, scriptSrc, greeting }: { startUrl: string; scriptSrc: string; greeting: string }) {
  const [theme] = useState<'light' | 'dark'>('light');
  return createElement('managed-chatkit', {
    'start-url': startUrl, // no such property: React sets the attribute
    'script-src': scriptSrc, // tests only: the ChatKit double instead of ChatKit's CDN
    theme, // a property: React sets it
    // A new object on every render is fine: only a change of content reaches ChatKit.
    options: { startScreen: { greeting }, history: { enabled: false } },
    'onchatkit.ready': () => seen.ready++,
    'onchatkit.thread.change': (event: CustomEvent<{ threadId: string | null }>) => seen.threads.push(event.detail.threadId),
    'onmanaged-chatkit-error': (event: CustomEvent<ManagedChatKitErrorDetail>) => {
      event.preventDefault(); // handled here: keep the console quiet
      seen.errors.push(event.detail);
    },
  });
}
// snippet:end react-component

let roots: Array<{ unmount(): void }> = [];
function render(element: unknown): { render(element: unknown): void } {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  roots.push(root);
  flushSync(() => root.render(element as never));
  return { render: (next: unknown) => flushSync(() => root.render(next as never)) };
}
const element = () => document.querySelector('managed-chatkit') as ManagedChatKit;
const starts = async (s: ReturnType<typeof scenario>) => (await s.log()).filter((entry) => entry.kind === 'start').length;

describe('<managed-chatkit> in React 19', () => {
  beforeEach(() => {
    seen.ready = 0;
    seen.threads = [];
    seen.errors = [];
  });
  afterEach(() => {
    roots.forEach((root) => root.unmount());
    roots = [];
    document.body.replaceChildren();
  });

  it('start-url as attribute, options and theme as properties, onchatkit.* listeners; re-renders with equal options send nothing', async () => {
    const s = scenario('react');
    const props = { startUrl: s.startUrl, scriptSrc: doubleSrc(), greeting: 'Hello from React' };
    const app = render(createElement(ChatPanel, props));
    await untilState(element(), 'ready');
    await until(() => seen.ready === 1, 'onchatkit.ready');
    const el = element();
    expect(el.getAttribute('start-url')).to.equal(s.startUrl);
    expect(el.hasAttribute('options')).to.equal(false);
    const double = innerDouble(el)!;
    expect(double.options.startScreen).to.deep.equal({ greeting: 'Hello from React' });
    const calls = double.setOptionsCalls.length;

    for (let i = 0; i < 20; i++) app.render(createElement(ChatPanel, { ...props }));
    await el.updateComplete;
    expect(double.setOptionsCalls.length, 'setOptions after 20 equal re-renders').to.equal(calls);
    app.render(createElement(ChatPanel, { ...props, greeting: 'Changed' }));
    await el.updateComplete;
    expect(double.setOptionsCalls.length).to.equal(calls + 1);

    double.emit('chatkit.thread.change', { threadId: 'thread-react' });
    expect(seen.threads).to.deep.equal(['thread-react']);
  });

  it('mounted and unmounted 30 times: one script tag, one session per mount, no <openai-chatkit> left', async () => {
    const s = scenario('react-toggle');
    const props = { startUrl: s.startUrl, scriptSrc: doubleSrc(), greeting: 'Toggle' };
    const app = render(null);
    for (let i = 0; i < 30; i++) {
      app.render(createElement(ChatPanel, props));
      await untilState(element(), 'ready');
      expect(liveDoubles(), `doubles while shown (round ${i})`).to.equal(1);
      app.render(null);
      await settle();
      expect(document.querySelector('managed-chatkit')).to.equal(null);
      expect(liveDoubles(), `doubles while hidden (round ${i})`).to.equal(0);
    }
    expect(chatkitScriptTags()).to.equal(1);
    expect(await starts(s)).to.equal(30);
    expect(seen.ready).to.equal(30);
  });

  it('defined after React first rendered it: options="[object Object]" is a config error; the next render fixes it', async () => {
    const s = scenario('react-late');
    const tag = `late-chat-${Math.random().toString(36).slice(2)}`;
    const late = (greeting: string) => createElement(tag, { 'start-url': s.startUrl, 'script-src': doubleSrc(), options: { startScreen: { greeting } } });
    const app = render(late('Early'));
    const el = document.querySelector(tag) as ManagedChatKit;
    expect(el.getAttribute('options')).to.equal('[object Object]');
    el.addEventListener('managed-chatkit-error', (event) => event.preventDefault());
    ManagedChatKit.define(tag);
    await untilState(el, 'error');
    expect(el.error!.message).to.include('managed-chatkit.classic.js');
    expect(await starts(s)).to.equal(0);
    app.render(late('After define'));
    await untilState(el, 'ready');
    expect(innerDouble(el)!.options.startScreen).to.deep.equal({ greeting: 'After define' });
  });

  it('server rendering + hydrateRoot: options as a JSON attribute, events through a ref, no hydration warning', async () => {
    const s = scenario('react-ssr');
    const logged: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args.map(String).join(' '));
    const heard: string[] = [];
    try {
      const scriptSrc = doubleSrc();
      // snippet:start react-ssr
      // Rendered on the server and hydrated: React applies neither properties nor on… listeners on hydration,
      // so options go in the JSON `options` attribute, events through a ref, and suppressHydrationWarning lets the
      // element write its read-only `state` attribute before React hydrates.
      const SsrChat = () =>
        createElement('managed-chatkit', {
          'start-url': s.startUrl,
          'script-src': scriptSrc, // tests only
          options: JSON.stringify({ startScreen: { greeting: 'Hello from SSR' } }),
          suppressHydrationWarning: true,
          ref: (chat: ManagedChatKit | null) => {
            if (!chat) return;
            const onReady = () => heard.push('chatkit.ready');
            chat.addEventListener('chatkit.ready', onReady);
            return () => chat.removeEventListener('chatkit.ready', onReady);
          },
        });
      const html = renderToString(createElement(SsrChat)); // on the server
      // snippet:end react-ssr
      expect(html).to.include('options="{&quot;startScreen&quot;');
      const container = document.createElement('div');
      container.innerHTML = html; // the server's markup; the element upgrades and starts at once
      document.body.append(container);
      // snippet:start react-hydrate
      hydrateRoot(container, createElement(SsrChat));
      // snippet:end react-hydrate
      const el = container.querySelector('managed-chatkit') as ManagedChatKit;
      await untilState(el, 'ready');
      await sleep(50);
      expect(innerDouble(el)!.options.startScreen).to.deep.equal({ greeting: 'Hello from SSR' });
      expect(heard).to.deep.equal(['chatkit.ready']);
      expect(await starts(s)).to.equal(1);
    } finally {
      console.error = consoleError;
    }
    expect(logged.filter((line) => /hydrat/i.test(line))).to.deep.equal([]);
  });
});
