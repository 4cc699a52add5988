/**
 * <managed-chatkit> in Svelte 5 — drives SveltePanel.svelte (compiled by Svelte's compiler in the test server).
 */
import { expect } from '@open-wc/testing';
import { flushSync, mount, unmount } from 'svelte';
import '../../../src/index.js';
import type { ManagedChatKit, ManagedChatKitErrorDetail } from '../../../src/index.js';
import SveltePanel from './SveltePanel.svelte';
import { doubleSrc, innerDouble, scenario, untilState, until } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle, trackListeners } from './host-helpers.js';

interface Panel {
  options: object;
  setShown(value: boolean): void;
  setTheme(value: 'light' | 'dark'): void;
}

interface Heard {
  ready: number;
  threads: Array<string | null>;
  errors: ManagedChatKitErrorDetail[];
}

let instance: Record<string, unknown> | null = null;
function mountPanel(startUrl: string, shown = true): { panel: Panel; heard: Heard } {
  const heard: Heard = { ready: 0, threads: [], errors: [] };
  const target = document.createElement('div');
  document.body.append(target);
  instance = mount(SveltePanel, {
    target,
    props: {
      startUrl,
      scriptSrc: doubleSrc(),
      shown,
      onready: () => heard.ready++,
      onthread: (threadId: string | null) => heard.threads.push(threadId),
      onerror: (detail: ManagedChatKitErrorDetail) => heard.errors.push(detail),
    },
  });
  flushSync();
  return { panel: instance as unknown as Panel, heard };
}
const element = () => document.querySelector('managed-chatkit') as ManagedChatKit;

describe('<managed-chatkit> in Svelte 5', () => {
  afterEach(() => {
    if (instance) unmount(instance);
    instance = null;
    document.body.replaceChildren();
  });

  it('sets start-url as an attribute, options as the property, and hears onchatkit-ready / onchatkit-thread-change', async () => {
    const s = scenario('svelte');
    const { panel, heard } = mountPanel(s.startUrl);
    await untilState(element(), 'ready');
    await until(() => heard.ready === 1, 'onchatkit-ready');

    const el = element();
    expect(el.getAttribute('start-url')).to.equal(s.startUrl);
    expect(el.options).to.equal(panel.options);
    expect(el.hasAttribute('options')).to.equal(false);
    expect(innerDouble(el)!.secret).to.equal('secret-start-1');
    expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']);
    expect(innerDouble(el)!.options.startScreen).to.deep.equal({ greeting: 'Hello from Svelte' });
    expect(innerDouble(el)!.options.composer).to.deep.equal({ placeholder: 'Ask about Svelte' });

    innerDouble(el)!.emit('chatkit.thread.change', { threadId: 'thread-svelte' });
    expect(heard.threads).to.deep.equal(['thread-svelte']);
    expect(heard.ready).to.equal(1);
  });

  it('a reactive theme change sends exactly one setOptions with the full option set', async () => {
    const s = scenario('svelte-theme');
    const { panel } = mountPanel(s.startUrl);
    await untilState(element(), 'ready');
    const double = innerDouble(element())!;
    const before = double.setOptionsCalls.length;

    panel.setTheme('dark');
    flushSync();
    await element().updateComplete;
    await settle();

    expect(double.setOptionsCalls.length).to.equal(before + 1);
    const last = double.setOptionsCalls.at(-1)!;
    expect(Object.keys(last).sort()).to.deep.equal(['api', 'composer', 'history', 'startScreen', 'theme']);
    expect(last.theme).to.deep.equal({ colorScheme: 'dark' });
    expect(last.startScreen).to.deep.equal({ greeting: 'Hello from Svelte' });
    expect(last.history).to.deep.equal({ enabled: false });
    expect(last.composer).to.deep.equal({ placeholder: 'Ask about Svelte' });
  });

  it('{#if} toggled 50 times: one script tag, a double only while shown, no listeners left behind', async () => {
    const s = scenario('svelte-toggle');
    const { panel, heard } = mountPanel(s.startUrl, false);
    const listeners = trackListeners();
    try {
      for (let i = 0; i < 50; i++) {
        panel.setShown(true);
        flushSync();
        await untilState(element(), 'ready');
        expect(liveDoubles(), `doubles while shown (round ${i})`).to.equal(1);
        expect(innerDouble(element())!.secret).to.match(/^secret-start-\d+$/);
        panel.setShown(false);
        flushSync();
        expect(document.querySelector('managed-chatkit')).to.equal(null);
        expect(liveDoubles(), `doubles while hidden (round ${i})`).to.equal(0);
      }
      await settle();
      expect(chatkitScriptTags()).to.equal(1);
      expect(listeners.leaked()).to.deep.equal([]);
      expect(heard.ready).to.equal(50);
    } finally {
      listeners.stop();
    }
  });

  it('onmanaged-chatkit-error receives a failing session endpoint', async () => {
    const s = scenario('svelte-error');
    await s.fault({ start: 'status:403' });
    const { heard } = mountPanel(s.startUrl);
    await until(() => heard.errors.length === 1, 'onmanaged-chatkit-error');
    expect(heard.errors[0]).to.include({ phase: 'session', status: 403 });
    expect(element().state).to.equal('error');
  });
});
