/**
 * <managed-chatkit> in htmx 2 pages: content swapped in with innerHTML and outerHTML, morphed with idiomorph
 * (`hx-ext="morph"`, `hx-swap="morph:innerHTML"`), and restored from a history snapshot whose markup still says
 * `state="ready"`. Swaps go through `htmx.swap`, what htmx runs with a server's answer.
 */
import { expect } from '@open-wc/testing';
import htmxModule from 'htmx.org';
import 'idiomorph/dist/idiomorph-ext.esm.js';
import '../../../src/index.js';
import type { ManagedChatKit } from '../../../src/index.js';
import { doubleSrc, innerDouble, scenario, until, untilState } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle } from './host-helpers.js';

/** htmx 2's public `swap` (missing from its bundled typings). */
const htmx = htmxModule as typeof htmxModule & {
  swap(target: Element, content: string, spec: { swapStyle: string; swapDelay: number; settleDelay: number }, options?: { contextElement?: Element }): void;
};
const starts = async (s: ReturnType<typeof scenario>) => (await s.log()).filter((entry) => entry.kind === 'start').length;
const chat = () => document.querySelector('managed-chatkit') as ManagedChatKit | null;

/** The fragment a server answers with (tests point script-src at the ChatKit double). */
const fragment = (startUrl: string, greeting: string, extra = '') =>
  // snippet:start htmx-fragment
  `<managed-chatkit id="chat" start-url="${startUrl}" script-src="${doubleSrc()}" ${extra}>
     <script type="application/json">{"startScreen": {"greeting": "${greeting}"}}</script>
   </managed-chatkit>`;
// snippet:end htmx-fragment

describe('<managed-chatkit> in htmx 2', () => {
  let target: HTMLElement;
  beforeEach(() => {
    target = document.createElement('div');
    target.id = 'target';
    target.setAttribute('hx-ext', 'morph');
    document.body.append(target);
  });
  afterEach(() => document.body.replaceChildren());

  const swap = async (html: string, swapStyle: string, on: Element = target) => {
    htmx.swap(on, html, { swapStyle, swapDelay: 0, settleDelay: 0 }, { contextElement: target });
    await settle();
  };

  it('innerHTML and outerHTML swaps, 20 times each: one script, one session per swap, nothing left behind', async () => {
    const s = scenario('htmx-swap');
    for (let i = 0; i < 20; i++) {
      await swap(fragment(s.startUrl, `inner ${i}`), 'innerHTML');
      await untilState(chat()!, 'ready');
      expect(innerDouble(chat()!)!.options.startScreen).to.deep.equal({ greeting: `inner ${i}` });
      expect(liveDoubles()).to.equal(1);
    }
    for (let i = 0; i < 20; i++) {
      await swap(fragment(s.startUrl, `outer ${i}`), 'outerHTML', chat()!);
      await untilState(chat()!, 'ready');
      expect(liveDoubles()).to.equal(1);
    }
    await swap('<p>gone</p>', 'innerHTML');
    expect(liveDoubles()).to.equal(0);
    expect(document.querySelectorAll('managed-chatkit, openai-chatkit').length).to.equal(0);
    expect(chatkitScriptTags()).to.equal(1);
    expect(await starts(s)).to.equal(40);
  });

  it('a morph keeps the live element and ChatKit; state is written back; the new JSON options apply', async () => {
    const s = scenario('htmx-morph');
    await swap(fragment(s.startUrl, 'Before morph'), 'innerHTML');
    const element = chat()!;
    await untilState(element, 'ready');
    const double = innerDouble(element)!;
    for (let i = 0; i < 10; i++) {
      // snippet:start htmx-morph
      // what <div hx-ext="morph" hx-get="…" hx-swap="morph:innerHTML"> runs with the server's answer
      htmx.swap(target, fragment(s.startUrl, `Morphed ${i}`), { swapStyle: 'morph:innerHTML', swapDelay: 0, settleDelay: 0 }, { contextElement: target });
      // snippet:end htmx-morph
      await settle();
      expect(chat() === element, 'the morph kept the element').to.equal(true);
      expect(element.getAttribute('state')).to.equal('ready');
    }
    await until(() => (double.options.startScreen as { greeting: string }).greeting === 'Morphed 9', 'morphed options');
    expect(innerDouble(element) === double, 'the same ChatKit').to.equal(true);
    expect(await starts(s)).to.equal(1);
  });

  it('a history snapshot restored with state="ready" in its markup is corrected and starts once', async () => {
    const s = scenario('htmx-history');
    await swap(fragment(s.startUrl, 'Restored', 'state="ready"'), 'innerHTML');
    const element = chat()!;
    expect(element.getAttribute('state')).to.not.equal('ready');
    await untilState(element, 'ready');
    expect(await starts(s)).to.equal(1);
  });
});
