/**
 * Vue's global build on a page without a bundler (test/fixtures/vue-global.html): the classic build in <head> defines
 * the element before Vue renders, so `:options` sets the property. With the module bundle, Vue renders first and
 * writes options="[object Object]" — a config error that says what to do (issue 12.1).
 * Needs `npm run build` first (npm test does it).
 */
import { expect } from '@open-wc/testing';
import type { ManagedChatKit } from '../../../src/index.js';
import { innerDouble, scenario, until } from '../helpers.js';
import { loadPage, pageCounts } from './host-helpers.js';

interface VuePanel {
  shown: boolean;
  ready: number;
}

describe("<managed-chatkit> with Vue's global build", () => {
  afterEach(() => document.body.replaceChildren());

  it('classic build in <head>: :options reaches ChatKit; v-if toggled 30 times: one script, one session per mount, nothing left', async () => {
    const s = scenario('vue-global');
    const frame = await loadPage(`/test/fixtures/vue-global.html?session=${s.id}`);
    const page = frame.contentWindow!;
    const panel = (page as unknown as { panel: VuePanel }).panel;
    const element = () => page.document.querySelector('managed-chatkit') as ManagedChatKit | null;
    await until(() => element()?.state === 'ready', 'ready');
    expect(element()!.hasAttribute('options')).to.equal(false);
    expect(innerDouble(element()!)!.options.startScreen).to.deep.equal({ greeting: 'Hello from Vue, no bundler' });

    for (let i = 1; i < 30; i++) {
      panel.shown = false;
      await until(() => element() === null, 'unmounted');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(pageCounts(page).doubles, `doubles while hidden (round ${i})`).to.equal(0);
      panel.shown = true;
      await until(() => element()?.state === 'ready', `ready (round ${i})`);
    }
    await until(() => panel.ready === 30, '30 × @chatkit-ready');
    expect(pageCounts(page)).to.deep.equal({ scripts: 1, doubles: 1, leftover: 1 });
    expect((await s.log()).filter((entry) => entry.kind === 'start').length).to.equal(30);
  });

  it('module bundle: Vue renders before the element is defined → a config error naming the classic build, no session', async () => {
    const s = scenario('vue-global-module');
    const frame = await loadPage(`/test/fixtures/vue-global-module.html?session=${s.id}`);
    const page = frame.contentWindow!;
    const element = () => page.document.querySelector('managed-chatkit') as ManagedChatKit;
    await until(() => element().state === 'error', 'error');
    expect(element().getAttribute('options')).to.equal('[object Object]');
    expect(element().error!.phase).to.equal('config');
    expect(element().error!.message).to.include('managed-chatkit.classic.js');
    expect(await s.log()).to.deep.equal([]);
  });
});
