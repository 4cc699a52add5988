import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/index.js';
import type { ManagedChatKit } from '../../src/managed-chatkit.js';
import { cleanup, doubleSrc, doubles, errorsOf, innerDouble, mount, requestsFor, scenario, sleep, until, untilState } from './helpers.js';

const SCRIPT = doubleSrc({}, 50);

// Under Lit's development build (npm run test:browser:dev), Lit warns about misuse — an update requested during an
// update, a shadowed reactive property…: any such warning fails the test that caused it.
const litWarnings: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const text = args.map(String).join(' ');
  if (text.includes('lit.dev/msg/') && !text.includes('lit.dev/msg/dev-mode')) litWarnings.push(text);
  warn(...args);
};
afterEach(() => {
  expect(litWarnings.splice(0), 'Lit development-mode warnings').to.deep.equal([]);
});

async function ready(attributes: Record<string, string | boolean> = {}, children = '') {
  const s = scenario();
  const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl, ...attributes }, document.body, children);
  await untilState(element, 'ready');
  return { element, s, chatkit: innerDouble(element)! };
}

describe('<managed-chatkit> loading', () => {
  afterEach(cleanup);

  it('loads ChatKit once for three elements and gets each a secret from start-url', async () => {
    const s = scenario('three');
    const elements = [1, 2, 3].map(() => mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl }));
    await Promise.all(elements.map((element) => untilState(element, 'ready')));
    expect(document.querySelectorAll(`script[src$="${SCRIPT}"]`).length).to.equal(1);
    expect(requestsFor('chatkit-double.js')).to.equal(1);
    expect(doubles()!.evaluations).to.equal(1);
    for (const element of elements) expect(innerDouble(element)!.secret).to.match(/^secret-start-/);
    const log = await s.log();
    expect(log.map((entry) => entry.kind)).to.deep.equal(['start', 'start', 'start']);
  });

  it('goes idle → loading → ready, reflecting state and announcing each change', async () => {
    const s = scenario();
    const element = document.createElement('managed-chatkit');
    const changes: string[] = [];
    element.addEventListener('managed-chatkit-statechange', (event) => changes.push(`${event.detail.previous}→${event.detail.state}`));
    element.setAttribute('script-src', SCRIPT);
    element.setAttribute('start-url', s.startUrl);
    document.body.append(element);
    expect(element.getAttribute('state')).to.equal('idle');
    await untilState(element, 'ready');
    expect(changes).to.deep.equal(['idle→loading', 'loading→ready']);
    expect(element.getAttribute('state')).to.equal('ready');
  });

  it('shows the default loading view, or the page’s loading slot, until ready', async () => {
    const s = scenario();
    await s.fault({ start: 'delay:300' });
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl }, document.body, '<p slot="loading">Warming up…</p>');
    await until(() => element.state === 'loading', 'loading');
    await element.updateComplete;
    const slot = element.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="loading"]')!;
    expect(slot.assignedElements()[0].textContent).to.equal('Warming up…');
    await untilState(element, 'ready');
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('slot[name="loading"]')).to.equal(null);
  });
});

describe('<managed-chatkit> secrets', () => {
  afterEach(cleanup);

  it('POSTs start-url first, then refresh-url with the exact current secret when ChatKit’s expires', async () => {
    const { s, chatkit } = await ready({ 'workflow-id': 'wf_42' });
    const first = chatkit.secret!;
    await chatkit.expireSecret();
    expect(chatkit.secret).to.not.equal(first);
    const log = await s.log();
    expect(log.map((entry) => entry.kind)).to.deep.equal(['start', 'refresh']);
    expect(log[0].body).to.deep.equal({ workflow: { id: 'wf_42' } });
    expect(log[1].body).to.deep.equal({ currentClientSecret: first, workflow: { id: 'wf_42' } });
    expect(chatkit.secretRequests).to.deep.equal([null, first]);
  });

  it('refreshes at start-url when only start-url is set', async () => {
    const s = scenario();
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    await untilState(element, 'ready');
    await innerDouble(element)!.expireSecret();
    expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start', 'start']);
    expect((await s.log())[1].body).to.have.property('currentClientSecret');
  });

  it('sends sessionHeaders and the credentials mode with session requests', async () => {
    const s = scenario();
    const element = document.createElement('managed-chatkit');
    element.sessionHeaders = { 'X-CSRF-Token': 'csrf-123' };
    element.setAttribute('script-src', SCRIPT);
    element.setAttribute('start-url', s.startUrl);
    element.setAttribute('credentials', 'omit');
    document.body.append(element);
    await untilState(element, 'ready');
    const [entry] = await s.log();
    expect(entry.headers['x-csrf-token']).to.equal('csrf-123');
    expect(entry.headers['content-type']).to.equal('application/json');
  });

  it('never writes the secret into the DOM or storage', async () => {
    const { element, chatkit } = await ready();
    const secret = chatkit.secret!;
    expect(element.outerHTML).to.not.include(secret);
    expect(element.shadowRoot!.innerHTML).to.not.include(secret);
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).to.not.include(secret);
  });
});

describe('<managed-chatkit> options', () => {
  afterEach(cleanup);

  it('applies the JSON child, the options property and attributes as one complete set', async () => {
    const s = scenario();
    const element = document.createElement('managed-chatkit');
    element.innerHTML = '<script type="application/json">{"locale": "de-DE", "composer": {"placeholder": "json"}, "history": {"enabled": false}}</script>';
    element.options = { locale: 'fr-FR', header: { enabled: false } };
    element.setAttribute('placeholder', 'attr');
    element.setAttribute('script-src', SCRIPT);
    element.setAttribute('start-url', s.startUrl);
    document.body.append(element);
    await untilState(element, 'ready');
    const chatkit = innerDouble(element)!;
    expect(chatkit.setOptionsCalls.length).to.equal(1);
    const { api, ...rest } = chatkit.options;
    expect(typeof api.getClientSecret).to.equal('function');
    expect(rest).to.deep.equal({ locale: 'fr-FR', composer: { placeholder: 'attr' }, history: { enabled: false }, header: { enabled: false } });
  });

  it('re-applies the full set exactly once for a burst of attribute changes', async () => {
    const { element, chatkit } = await ready({ placeholder: 'Ask me' });
    expect(chatkit.setOptionsCalls.length).to.equal(1);
    element.setAttribute('theme', 'dark');
    element.setAttribute('greeting', 'Hi there');
    element.setAttribute('accent-color', '#336699');
    await element.updateComplete;
    await sleep(20);
    expect(chatkit.setOptionsCalls.length).to.equal(2);
    const { api, ...rest } = chatkit.setOptionsCalls[1] as Record<string, unknown>;
    expect(api).to.equal(chatkit.setOptionsCalls[0].api);
    expect(rest).to.deep.equal({
      composer: { placeholder: 'Ask me' },
      startScreen: { greeting: 'Hi there' },
      theme: { colorScheme: 'dark', color: { accent: { primary: '#336699', level: 1 } } },
    });
  });

  it('re-applies when the JSON child’s text changes, and not for unrelated children', async () => {
    const { element, chatkit } = await ready({}, '<script type="application/json">{"locale": "en"}</script>');
    element.querySelector('script')!.textContent = '{"locale": "ja"}';
    await until(() => chatkit.setOptionsCalls.length === 2, 'second setOptions');
    expect(chatkit.options.locale).to.equal('ja');
    element.append(Object.assign(document.createElement('p'), { slot: 'loading', textContent: 'x' }));
    await sleep(50);
    expect(chatkit.setOptionsCalls.length).to.equal(2);
  });

  it('follows prefers-color-scheme live with theme="auto"', async () => {
    await emulateMedia({ colorScheme: 'light' });
    try {
      const { element, chatkit } = await ready({ theme: 'auto' });
      expect(chatkit.options.theme).to.deep.equal({ colorScheme: 'light' });
      await emulateMedia({ colorScheme: 'dark' });
      await until(() => chatkit.setOptionsCalls.length === 2, 'setOptions after the scheme flips');
      expect(chatkit.options.theme).to.deep.equal({ colorScheme: 'dark' });
      element.setAttribute('theme', 'light');
      await until(() => chatkit.setOptionsCalls.length === 3, 'setOptions after theme=light');
      await emulateMedia({ colorScheme: 'light' });
      await sleep(50);
      expect(chatkit.setOptionsCalls.length).to.equal(3);
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('turns a config error into a ready chat once the attribute is fixed', async () => {
    const s = scenario();
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, theme: 'purple' });
    const errors = errorsOf(element);
    await untilState(element, 'error');
    expect(errors[0]).to.deep.include({ phase: 'config', retryable: false });
    expect(errors[0].message).to.include('theme="purple"');
    element.setAttribute('theme', 'dark');
    await untilState(element, 'ready');
  });
});

describe('<managed-chatkit> events and methods', () => {
  afterEach(cleanup);

  it('makes every ChatKit event observable on the host once under its dotted name and once dashed', async () => {
    const { element, chatkit } = await ready();
    const seen: string[] = [];
    const names = ['chatkit.thread.change', 'chatkit.error', 'chatkit.response.start', 'chatkit.log'];
    for (const name of names) {
      element.addEventListener(name, (event) => seen.push(`host ${event.type} ${JSON.stringify((event as CustomEvent).detail)}`));
      element.addEventListener(name.replaceAll('.', '-'), (event) => seen.push(`host ${event.type}`));
      document.addEventListener(name.replaceAll('.', '-'), (event) => seen.push(`document ${event.type}`), { once: true });
    }
    chatkit.emit('chatkit.thread.change', { threadId: 'thr_9' });
    chatkit.emit('chatkit.response.start');
    chatkit.emit('chatkit.log', { name: 'x' });
    expect(seen).to.deep.equal([
      'host chatkit.thread.change {"threadId":"thr_9"}',
      'host chatkit-thread-change',
      'document chatkit-thread-change',
      'host chatkit.response.start null',
      'host chatkit-response-start',
      'document chatkit-response-start',
      'host chatkit.log {"name":"x"}',
      'host chatkit-log',
      'document chatkit-log',
    ]);
  });

  it('fires chatkit.ready and chatkit-ready once each when ChatKit is ready', async () => {
    const s = scenario();
    const element = document.createElement('managed-chatkit');
    const seen: string[] = [];
    element.addEventListener('chatkit.ready', () => seen.push('dotted'));
    element.addEventListener('chatkit-ready', () => seen.push('dashed'));
    element.setAttribute('script-src', SCRIPT);
    element.setAttribute('start-url', s.startUrl);
    document.body.append(element);
    await untilState(element, 'ready');
    await sleep(20);
    expect(seen).to.deep.equal(['dotted', 'dashed']);
  });

  it('queues ChatKit’s methods until ready and resolves them after they ran', async () => {
    const s = scenario();
    await s.fault({ start: 'delay:200' });
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    const done: string[] = [];
    const calls = [
      element.focusComposer().then(() => done.push('focusComposer')),
      element.sendUserMessage({ text: 'hello' }).then(() => done.push('sendUserMessage')),
      element.setComposerValue({ text: 'draft' }).then(() => done.push('setComposerValue')),
    ];
    expect(element.chatkit).to.equal(null);
    await Promise.all(calls);
    expect(element.state).to.equal('ready');
    expect(done).to.deep.equal(['focusComposer', 'sendUserMessage', 'setComposerValue']);
    expect(innerDouble(element)!.calls).to.deep.equal([
      { method: 'focusComposer', args: [] },
      { method: 'sendUserMessage', args: [{ text: 'hello' }] },
      { method: 'setComposerValue', args: [{ text: 'draft' }] },
    ]);
    await element.showHistory();
    await element.hideHistory();
    await element.fetchUpdates();
    await element.sendCustomAction({ type: 'x' });
    await element.setThreadId('thr_2');
    expect(innerDouble(element)!.calls.map((call) => call.method).slice(3)).to.deep.equal([
      'showHistory',
      'hideHistory',
      'fetchUpdates',
      'sendCustomAction',
      'setThreadId',
    ]);
  });

  it('exposes the inner <openai-chatkit> as chatkit, with part="chatkit"', async () => {
    const { element } = await ready();
    expect(element.chatkit!.localName).to.equal('openai-chatkit');
    expect(element.chatkit!.getAttribute('part')).to.equal('chatkit');
    expect(element.shadowRoot!.contains(element.chatkit)).to.equal(true);
  });
});

describe('<managed-chatkit> accessibility (axe)', () => {
  afterEach(cleanup);

  it('has an accessible loading view and error view', async () => {
    const s = scenario('a11y');
    await s.fault({ start: 'delay:400' });
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    await until(() => element.state === 'loading', 'loading');
    await element.updateComplete;
    await expect(element).to.be.accessible();
    await untilState(element, 'ready');
    await s.fault({ start: 'status:500' });
    element.remove();
    errorsOf(element);
    await sleep(0); // removed for a task: torn down (a remove + append in one task is a move and keeps ChatKit)
    document.body.append(element);
    await untilState(element, 'error');
    await element.updateComplete;
    const alert = element.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.include('answered 500');
    expect(alert.querySelector('button')!.textContent).to.equal('Retry');
    await expect(element).to.be.accessible();
  });

  it('has an accessible launcher, closed and open', async () => {
    const s = scenario('a11y-launcher');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, launcher: true });
    await element.updateComplete;
    await expect(element).to.be.accessible();
    element.show();
    await untilState(element, 'ready');
    await expect(element).to.be.accessible();
  });
});

describe('<managed-chatkit> sizing', () => {
  afterEach(cleanup);

  it('is a 600px block by default and ChatKit fills it', async () => {
    const { element } = await ready();
    const host = element.getBoundingClientRect();
    const inner = element.chatkit!.getBoundingClientRect();
    expect(getComputedStyle(element).display).to.equal('block');
    expect(host.height).to.equal(600);
    expect(inner.height).to.equal(host.height);
    expect(inner.width).to.equal(host.width);
  });

  it('takes its height from the page’s CSS', async () => {
    const style = document.createElement('style');
    style.textContent = 'managed-chatkit.short { height: 320px; width: 500px; }';
    document.head.append(style);
    try {
      const { element } = await ready({ class: 'short' });
      expect(element.getBoundingClientRect().height).to.equal(320);
      expect(element.chatkit!.getBoundingClientRect().height).to.equal(320);
      expect(element.chatkit!.getBoundingClientRect().width).to.equal(500);
    } finally {
      style.remove();
    }
  });
});

describe('<managed-chatkit> disconnect', () => {
  afterEach(cleanup);

  it('leaves no extra listeners, script tags or ChatKit instances after 100 disconnect/reconnect cycles', async () => {
    const net = new Map<EventTarget, number>();
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    const seen = new Map<EventTarget, Set<string>>();
    EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener: any, options?: any) {
      const key = `${type}:${listener?.name ?? ''}:${typeof options === 'object' ? options.capture : options}`;
      const set = seen.get(this) ?? new Set();
      if (!set.has(key)) net.set(this, (net.get(this) ?? 0) + 1);
      set.add(key);
      seen.set(this, set);
      return add.call(this, type, listener, options);
    };
    EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, listener: any, options?: any) {
      const key = `${type}:${listener?.name ?? ''}:${typeof options === 'object' ? options.capture : options}`;
      if (seen.get(this)?.delete(key)) net.set(this, net.get(this)! - 1);
      return remove.call(this, type, listener, options);
    };
    try {
      const { element } = await ready();
      const cycle = async () => {
        element.remove();
        document.body.append(element);
        await untilState(element, 'ready');
      };
      await cycle();
      const windowAfterOne = net.get(window) ?? 0;
      const documentAfterOne = net.get(document) ?? 0;
      const hostAfterOne = net.get(element) ?? 0;
      for (let i = 0; i < 99; i++) await cycle();
      expect(net.get(window) ?? 0).to.equal(windowAfterOne);
      expect(net.get(document) ?? 0).to.equal(documentAfterOne);
      expect(net.get(element) ?? 0).to.equal(hostAfterOne);
      expect(document.querySelectorAll('script[src*="chatkit-double"]').length).to.equal(1);
      expect(doubles()!.instances.size).to.equal(1);
      expect(element.shadowRoot!.querySelectorAll('openai-chatkit').length).to.equal(1);
    } finally {
      EventTarget.prototype.addEventListener = add;
      EventTarget.prototype.removeEventListener = remove;
    }
  });

  it('stops when removed mid-load and starts afresh when put back', async () => {
    const s = scenario();
    await s.fault({ start: 'delay:300' });
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    const errors = errorsOf(element);
    await until(() => element.state === 'loading', 'loading');
    await sleep(50);
    element.remove();
    const changes: string[] = [];
    element.addEventListener('managed-chatkit-statechange', (event) => changes.push(event.detail.state));
    await sleep(400);
    expect(changes).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await s.fault({ start: 'ok' });
    document.body.append(element);
    await untilState(element, 'ready');
    expect(innerDouble(element)!.secret).to.match(/^secret-start-/);
  });
});

export type { ManagedChatKit };
