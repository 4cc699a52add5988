/**
 * <managed-chatkit> in an Angular standalone component (JIT-compiled in the browser, zoneless) — the example
 * docs/hosts.md points to. `CUSTOM_ELEMENTS_SCHEMA` lets Angular accept the tag; then
 * - `[attr.start-url]="…"` (or a static `start-url="…"`) sets the attribute,
 * - `[options]="…"` and `[theme]="…"` set the properties,
 * - `(chatkit-ready)`, `(chatkit-thread-change)`, `(managed-chatkit-error)` listen to the dashed event names.
 */
import '@angular/compiler';
import { Component, CUSTOM_ELEMENTS_SCHEMA, enableProdMode, provideZonelessChangeDetection, signal, type ApplicationRef } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { ChatKitOptionsInput, ManagedChatKit, ManagedChatKitErrorDetail } from '../../../src/index.js';
import { doubleSrc, innerDouble, scenario, untilState, until } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle, trackListeners } from './host-helpers.js';

enableProdMode();

// snippet:start angular-component
@Component({
  selector: 'chat-panel',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    @if (shown()) {
      <managed-chatkit
        [attr.start-url]="startUrl()"
        [attr.script-src]="scriptSrc"
        placeholder="Ask about Angular"
        [theme]="theme()"
        [options]="options"
        (chatkit-ready)="ready.set(ready() + 1)"
        (chatkit-thread-change)="threadId.set($event.detail.threadId)"
        (managed-chatkit-error)="onError($event)"
      ></managed-chatkit>
    }
  `,
})
class ChatPanel {
  readonly scriptSrc = doubleSrc(); // tests: the ChatKit double; apps leave script-src out
  readonly startUrl = signal('');
  readonly shown = signal(false);
  readonly theme = signal<'light' | 'dark'>('light');
  readonly ready = signal(0);
  readonly threadId = signal<string | null>(null);
  readonly errors = signal<ManagedChatKitErrorDetail[]>([]);
  readonly options: ChatKitOptionsInput = { startScreen: { greeting: 'Hello from Angular' }, history: { enabled: false } };

  onError(event: CustomEvent<ManagedChatKitErrorDetail>) {
    event.preventDefault(); // handled here: keep the console quiet
    this.errors.update((errors) => [...errors, event.detail]);
  }
}
// snippet:end angular-component

let appRef: ApplicationRef | null = null;
async function mountPanel(startUrl: string, shown = true): Promise<{ panel: ChatPanel; render: () => void }> {
  document.body.append(document.createElement('chat-panel'));
  // snippet:start angular-bootstrap
  appRef = await bootstrapApplication(ChatPanel, { providers: [provideZonelessChangeDetection()] });
  // snippet:end angular-bootstrap
  const panel = appRef.components[0].instance as ChatPanel;
  const render = () => appRef!.tick();
  panel.startUrl.set(startUrl);
  panel.shown.set(shown);
  render();
  return { panel, render };
}
const element = () => document.querySelector('managed-chatkit') as ManagedChatKit;

describe('<managed-chatkit> in Angular', () => {
  afterEach(() => {
    appRef?.destroy();
    appRef = null;
    document.body.replaceChildren();
  });

  it('binds [attr.start-url] as the attribute, [options] as the property, and hears (chatkit-ready) / (chatkit-thread-change)', async () => {
    const s = scenario('angular');
    const { panel, render } = await mountPanel(s.startUrl);
    await untilState(element(), 'ready');
    await until(() => panel.ready() === 1, '(chatkit-ready)');

    const el = element();
    expect(el.getAttribute('start-url')).to.equal(s.startUrl);
    expect(el.options).to.equal(panel.options);
    expect(el.hasAttribute('options')).to.equal(false);
    expect(innerDouble(el)!.secret).to.equal('secret-start-1');
    expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']);
    expect(innerDouble(el)!.options.startScreen).to.deep.equal({ greeting: 'Hello from Angular' });
    expect(innerDouble(el)!.options.composer).to.deep.equal({ placeholder: 'Ask about Angular' });

    innerDouble(el)!.emit('chatkit.thread.change', { threadId: 'thread-angular' });
    render();
    expect(panel.threadId()).to.equal('thread-angular');
    expect(panel.ready()).to.equal(1);
  });

  it('a theme signal change sends exactly one setOptions with the full option set', async () => {
    const s = scenario('angular-theme');
    const { panel, render } = await mountPanel(s.startUrl);
    await untilState(element(), 'ready');
    const double = innerDouble(element())!;
    const before = double.setOptionsCalls.length;

    panel.theme.set('dark');
    render();
    await element().updateComplete;
    await settle();

    expect(double.setOptionsCalls.length).to.equal(before + 1);
    const last = double.setOptionsCalls.at(-1)!;
    expect(Object.keys(last).sort()).to.deep.equal(['api', 'composer', 'history', 'startScreen', 'theme']);
    expect(last.theme).to.deep.equal({ colorScheme: 'dark' });
    expect(last.startScreen).to.deep.equal({ greeting: 'Hello from Angular' });
  });

  it('@if toggled 50 times: one script tag, a double only while shown, no listeners left behind', async () => {
    const s = scenario('angular-toggle');
    const { panel, render } = await mountPanel(s.startUrl, false);
    const listeners = trackListeners();
    try {
      for (let i = 0; i < 50; i++) {
        panel.shown.set(true);
        render();
        await untilState(element(), 'ready');
        expect(liveDoubles(), `doubles while shown (round ${i})`).to.equal(1);
        expect(innerDouble(element())!.secret).to.match(/^secret-start-\d+$/);
        panel.shown.set(false);
        render();
        expect(document.querySelector('managed-chatkit')).to.equal(null);
        expect(liveDoubles(), `doubles while hidden (round ${i})`).to.equal(0);
      }
      await settle();
      expect(chatkitScriptTags()).to.equal(1);
      expect(listeners.leaked()).to.deep.equal([]);
      expect(panel.ready()).to.equal(50);
    } finally {
      listeners.stop();
    }
  });

  it('(managed-chatkit-error) receives a failing session endpoint', async () => {
    const s = scenario('angular-error');
    await s.fault({ start: 'status:403' });
    const { panel } = await mountPanel(s.startUrl);
    await until(() => panel.errors().length === 1, '(managed-chatkit-error)');
    expect(panel.errors()[0]).to.include({ phase: 'session', status: 403 });
    expect(element().state).to.equal('error');
  });
});
