/**
 * <managed-chatkit> in a Vue 3 app — the example docs/hosts.md points to.
 *
 * Vue needs one setting: `compilerOptions.isCustomElement`, so it leaves the tag to the browser. Then
 * - `start-url="…"` / `:start-url="…"` sets the attribute (there is no `start-url` property),
 * - `:options="…"` and `:theme="…"` set the properties (Vue sets a property whenever the element has one),
 * - `@chatkit-ready`, `@chatkit-thread-change`, `@managed-chatkit-error` listen to the dashed event names.
 */
import { expect } from '@open-wc/testing';
import { createApp, nextTick, ref, type App } from 'vue/dist/vue.esm-browser.prod.js';
import '../../../src/index.js';
import type { ManagedChatKit, ManagedChatKitErrorDetail } from '../../../src/index.js';
import { doubleSrc, innerDouble, scenario, untilState, until } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle, trackListeners } from './host-helpers.js';

/** The component a Vue app would write (tests point `script-src` at the ChatKit double; apps leave it out). */
// snippet:start vue-component
const ChatPanel = {
  props: ['startUrl', 'scriptSrc', 'initiallyShown'],
  template: `
    <managed-chatkit
      v-if="shown"
      :start-url="startUrl"
      :script-src="scriptSrc"
      placeholder="Ask about Vue"
      :theme="theme"
      :options="options"
      @chatkit-ready="ready++"
      @chatkit-thread-change="threadId = $event.detail.threadId"
      @managed-chatkit-error="onError"
    ></managed-chatkit>`,
  setup(props: { initiallyShown?: boolean }) {
    const shown = ref(props.initiallyShown ?? true);
    const theme = ref<'light' | 'dark'>('light');
    const ready = ref(0);
    const threadId = ref<string | null>(null);
    const errors = ref<ManagedChatKitErrorDetail[]>([]);
    const options = { startScreen: { greeting: 'Hello from Vue' }, history: { enabled: false } };
    const onError = (event: CustomEvent<ManagedChatKitErrorDetail>) => {
      event.preventDefault(); // handled here: keep the console quiet
      errors.value.push(event.detail);
    };
    return { shown, theme, ready, threadId, errors, options, onError };
  },
};
// snippet:end vue-component

interface Panel {
  shown: boolean;
  theme: 'light' | 'dark';
  ready: number;
  threadId: string | null;
  errors: ManagedChatKitErrorDetail[];
  options: object;
}

let app: App | null = null;
function mountPanel(startUrl: string, initiallyShown = true): Panel {
  const root = document.createElement('div');
  document.body.append(root);
  // snippet:start vue-app
  app = createApp(ChatPanel, { startUrl, scriptSrc: doubleSrc(), initiallyShown });
  app.config.compilerOptions.isCustomElement = (tag: string) => tag === 'managed-chatkit';
  // snippet:end vue-app
  return app.mount(root) as unknown as Panel;
}
const element = () => document.querySelector('managed-chatkit') as ManagedChatKit;

describe('<managed-chatkit> in Vue 3', () => {
  afterEach(() => {
    app?.unmount();
    app = null;
    document.body.replaceChildren();
  });

  it('binds start-url as an attribute, :options as the property, and hears @chatkit-ready / @chatkit-thread-change', async () => {
    const s = scenario('vue');
    const panel = mountPanel(s.startUrl);
    await untilState(element(), 'ready');
    await until(() => panel.ready === 1, '@chatkit-ready');

    const el = element();
    expect(el.getAttribute('start-url')).to.equal(s.startUrl);
    expect(el.options).to.equal(panel.options);
    expect(el.hasAttribute('options')).to.equal(false);
    expect(innerDouble(el)!.secret).to.equal('secret-start-1');
    expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']);
    const applied = innerDouble(el)!.options;
    expect(applied.startScreen).to.deep.equal({ greeting: 'Hello from Vue' });
    expect(applied.composer).to.deep.equal({ placeholder: 'Ask about Vue' });

    innerDouble(el)!.emit('chatkit.thread.change', { threadId: 'thread-vue' });
    await nextTick();
    expect(panel.threadId).to.equal('thread-vue');
    expect(panel.ready).to.equal(1);
  });

  it('a reactive theme change sends exactly one setOptions with the full option set', async () => {
    const s = scenario('vue-theme');
    const panel = mountPanel(s.startUrl);
    await untilState(element(), 'ready');
    const double = innerDouble(element())!;
    const before = double.setOptionsCalls.length;

    panel.theme = 'dark';
    await nextTick();
    await element().updateComplete;
    await settle();

    expect(double.setOptionsCalls.length).to.equal(before + 1);
    const last = double.setOptionsCalls.at(-1)!;
    expect(Object.keys(last).sort()).to.deep.equal(['api', 'composer', 'history', 'startScreen', 'theme']);
    expect(last.theme).to.deep.equal({ colorScheme: 'dark' });
    expect(last.startScreen).to.deep.equal({ greeting: 'Hello from Vue' });
    expect(last.history).to.deep.equal({ enabled: false });
    expect(last.composer).to.deep.equal({ placeholder: 'Ask about Vue' });
  });

  it('v-if toggled 50 times: one script tag, a double only while shown, no listeners left behind', async () => {
    const s = scenario('vue-toggle');
    const panel = mountPanel(s.startUrl, false);
    const listeners = trackListeners();
    try {
      for (let i = 0; i < 50; i++) {
        panel.shown = true;
        await nextTick();
        await untilState(element(), 'ready');
        expect(liveDoubles(), `doubles while shown (round ${i})`).to.equal(1);
        expect(innerDouble(element())!.secret).to.match(/^secret-start-\d+$/);
        panel.shown = false;
        await nextTick();
        expect(document.querySelector('managed-chatkit')).to.equal(null);
        expect(liveDoubles(), `doubles while hidden (round ${i})`).to.equal(0);
      }
      await settle();
      expect(chatkitScriptTags()).to.equal(1);
      expect(listeners.leaked()).to.deep.equal([]);
      expect(panel.ready).to.equal(50);
    } finally {
      listeners.stop();
    }
  });

  it('@managed-chatkit-error receives a failing session endpoint', async () => {
    const s = scenario('vue-error');
    await s.fault({ start: 'status:403' });
    const panel = mountPanel(s.startUrl);
    await until(() => panel.errors.length === 1, '@managed-chatkit-error');
    expect(panel.errors[0]).to.include({ phase: 'session', status: 403 });
    expect(element().state).to.equal('error');
  });
});
