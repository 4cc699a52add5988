/**
 * <managed-chatkit> in Preact 10: Preact sets a property when the element has one (`options`, `theme`), an attribute
 * otherwise (`start-url`); `onchatkit.ready` listens to `chatkit.ready` (Preact keeps the case of unknown events).
 */
import { expect } from '@open-wc/testing';
import { h, render } from 'preact';
import '../../../src/index.js';
import type { ManagedChatKit } from '../../../src/index.js';
import { doubleSrc, innerDouble, scenario, untilState } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle } from './host-helpers.js';

let ready = 0;
// snippet:start preact-component
const ChatPanel = ({ startUrl, scriptSrc, greeting }: { startUrl: string; scriptSrc: string; greeting: string }) =>
  h('managed-chatkit', {
    'start-url': startUrl,
    'script-src': scriptSrc, // tests only: the ChatKit double instead of ChatKit's CDN
    theme: 'dark',
    options: { startScreen: { greeting } }, // a new object per render: only a change of content reaches ChatKit
    'onchatkit.ready': () => ready++,
  });
// snippet:end preact-component

const element = () => document.querySelector('managed-chatkit') as ManagedChatKit;
const starts = async (s: ReturnType<typeof scenario>) => (await s.log()).filter((entry) => entry.kind === 'start').length;

describe('<managed-chatkit> in Preact 10', () => {
  let root: HTMLElement;
  beforeEach(() => {
    ready = 0;
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    document.body.replaceChildren();
  });

  it('binds attributes, properties and onchatkit.ready; equal re-renders send nothing; toggled 30 times leaves nothing', async () => {
    const s = scenario('preact');
    const props = { startUrl: s.startUrl, scriptSrc: doubleSrc(), greeting: 'Hello from Preact' };
    render(h(ChatPanel, props), root);
    await untilState(element(), 'ready');
    expect(element().getAttribute('start-url')).to.equal(s.startUrl);
    expect(element().hasAttribute('options')).to.equal(false);
    const double = innerDouble(element())!;
    expect(double.options.startScreen).to.deep.equal({ greeting: 'Hello from Preact' });
    expect(double.options.theme).to.deep.equal({ colorScheme: 'dark' });
    const calls = double.setOptionsCalls.length;
    for (let i = 0; i < 20; i++) render(h(ChatPanel, { ...props }), root);
    await element().updateComplete;
    expect(double.setOptionsCalls.length).to.equal(calls);
    expect(ready).to.equal(1);

    for (let i = 1; i < 30; i++) {
      render(null, root);
      await settle();
      expect(liveDoubles(), `doubles while hidden (round ${i})`).to.equal(0);
      render(h(ChatPanel, props), root);
      await untilState(element(), 'ready');
    }
    render(null, root);
    await settle();
    expect(document.querySelectorAll('managed-chatkit, openai-chatkit').length).to.equal(0);
    expect(chatkitScriptTags()).to.equal(1);
    expect(await starts(s)).to.equal(30);
    expect(ready).to.equal(30);
  });
});
