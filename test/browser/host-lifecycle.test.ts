/**
 * What hosts do to the element that plain pages do not: bind options before it is defined, restore and morph its
 * markup, move it, re-render it with new-but-equal options, show it in Turbo's preview (issue 12, points 1–5, 7, 8).
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { ManagedChatKit } from '../../src/index.js';
import { cleanup, doubleSrc, errorsOf, innerDouble, mount, scenario, sleep, until, untilState } from './helpers.js';

const SCRIPT = doubleSrc();
const starts = async (s: ReturnType<typeof scenario>) => (await s.log()).filter((entry) => entry.kind === 'start').length;

/** Captures console.warn lines while `body` runs. */
async function warnings(body: (lines: readonly string[]) => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    await body(lines);
  } finally {
    console.warn = original;
  }
  return lines;
}

describe('options bound before the element is defined (issue 12.1)', () => {
  afterEach(cleanup);

  it('reads a JSON options attribute (Alpine :options), between the JSON child and the property', async () => {
    const s = scenario('options-attr');
    const element = mount({
      'script-src': SCRIPT,
      'start-url': s.startUrl,
      options: JSON.stringify({ startScreen: { greeting: 'From the attribute' }, history: { enabled: false } }),
    });
    await untilState(element, 'ready');
    const double = innerDouble(element)!;
    expect(double.options.startScreen).to.deep.equal({ greeting: 'From the attribute' });
    expect(double.options.history).to.deep.equal({ enabled: false });

    element.setAttribute('options', JSON.stringify({ startScreen: { greeting: 'Changed' } }));
    await until(() => (double.options.startScreen as { greeting: string }).greeting === 'Changed', 'changed attribute applied');
    element.options = { startScreen: { greeting: 'Property wins' } };
    await until(() => (double.options.startScreen as { greeting: string }).greeting === 'Property wins', 'property over attribute');
  });

  it('options="[object Object]" is a config error that says to define the element before the framework renders', async () => {
    const s = scenario('options-object');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, options: '[object Object]' });
    const errors = errorsOf(element);
    await untilState(element, 'error');
    expect(errors[0]!.phase).to.equal('config');
    expect(errors[0]!.message).to.include('before <managed-chatkit> was defined');
    expect(errors[0]!.message).to.include('managed-chatkit.classic.js');
    expect(await starts(s)).to.equal(0);

    // The framework's next render sets the property on the now-upgraded element: that fixes it.
    element.options = { startScreen: { greeting: 'Late property' } };
    await untilState(element, 'ready');
    expect(innerDouble(element)!.options.startScreen).to.deep.equal({ greeting: 'Late property' });
  });

  it('properties set on the element before it is defined reach ChatKit and the session request', async () => {
    const s = scenario('pre-upgrade');
    const tag = `pre-upgrade-${Math.random().toString(36).slice(2)}`;
    const element = document.createElement(tag) as ManagedChatKit;
    Object.assign(element, {
      scriptSrc: SCRIPT,
      startUrl: s.startUrl,
      options: { startScreen: { greeting: 'Set before define' } },
      sessionHeaders: { 'x-early': 'yes' },
    });
    document.body.append(element);
    ManagedChatKit.define(tag);
    await untilState(element, 'ready');
    expect(innerDouble(element)!.options.startScreen).to.deep.equal({ greeting: 'Set before define' });
    const log = await s.log();
    expect(log.map((entry) => [entry.kind, entry.headers['x-early']])).to.deep.equal([['start', 'yes']]);
  });
});

describe('the state attribute stays true (issue 12.2, 12.3)', () => {
  afterEach(cleanup);

  it('a stale state in restored markup (Turbo cache, htmx history) is corrected on connect', async () => {
    const s = scenario('state-restored');
    const host = document.createElement('div');
    host.innerHTML = `<managed-chatkit launcher state="ready" script-src="${SCRIPT}" start-url="${s.startUrl}"></managed-chatkit>`;
    document.body.append(host);
    const element = host.querySelector('managed-chatkit')!;
    expect(element.getAttribute('state')).to.equal('idle');
    await element.updateComplete;
    expect(element.matches('[state="ready"]')).to.equal(false);
  });

  it('is written back when morphing removes or changes it', async () => {
    const s = scenario('state-morph');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    await untilState(element, 'ready');
    element.removeAttribute('state');
    expect(element.getAttribute('state')).to.equal('ready');
    element.setAttribute('state', 'idle');
    expect(element.getAttribute('state')).to.equal('ready');
  });
});

/** Two sections on the page to move an element between. */
function twoParents(): [HTMLElement, HTMLElement] {
  const parents: [HTMLElement, HTMLElement] = [document.createElement('section'), document.createElement('section')];
  document.body.append(...parents);
  return parents;
}

describe('moving a live element (issue 12.4)', () => {
  afterEach(cleanup);

  it('append to another parent keeps ChatKit, its session and its options', async () => {
    const s = scenario('move-append');
    const [first, second] = twoParents();
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl }, first);
    await untilState(element, 'ready');
    const double = innerDouble(element)!;
    const calls = double.setOptionsCalls.length;
    for (let i = 0; i < 5; i++) (i % 2 ? first : second).append(element);
    await sleep(50);
    expect(innerDouble(element)).to.equal(double);
    expect(element.state).to.equal('ready');
    expect(double.setOptionsCalls.length).to.equal(calls);
    expect(await starts(s)).to.equal(1);
  });

  it('moveBefore (Chromium 133+) keeps ChatKit without a disconnect', async function () {
    if (!('moveBefore' in Element.prototype)) this.skip();
    const s = scenario('move-before');
    const [first, second] = twoParents();
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl }, first);
    await untilState(element, 'ready');
    const double = innerDouble(element)!;
    (second as unknown as { moveBefore(node: Node, child: Node | null): void }).moveBefore(element, null);
    await sleep(50);
    expect(element.parentElement).to.equal(second);
    expect(innerDouble(element)).to.equal(double);
    expect(await starts(s)).to.equal(1);
  });

  it('removed for a task: torn down, and queued method calls reject with a clear error', async () => {
    const s = scenario('move-removed');
    await s.fault({ start: 'delay:300' });
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    const call = element.setThreadId('thread-x');
    const outcome = call.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    element.remove();
    await sleep(10);
    expect(element.chatkit).to.equal(null);
    expect(await outcome).to.match(/setThreadId\(\) was not run: <managed-chatkit> was removed from the page/);
  });
});

describe('Turbo preview (issue 12.5)', () => {
  afterEach(() => {
    document.documentElement.removeAttribute('data-turbo-preview');
    cleanup();
  });

  it('an element in html[data-turbo-preview] stays idle and fetches nothing until Turbo finished the visit (turbo:load)', async () => {
    const s = scenario('turbo-preview');
    document.documentElement.setAttribute('data-turbo-preview', '');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    await sleep(100);
    expect(element.state).to.equal('idle');
    expect(await starts(s)).to.equal(0);
    document.documentElement.removeAttribute('data-turbo-preview');
    await sleep(100);
    expect(await starts(s), 'the preview ended but Turbo has not rendered the fresh page yet').to.equal(0);
    document.dispatchEvent(new Event('turbo:load')); // Turbo finished the visit and the element is still there
    await untilState(element, 'ready');
    expect(await starts(s)).to.equal(1);
  });
});

describe('options compared by content (issue 12.7)', () => {
  afterEach(cleanup);

  it('a new but equal options object sends nothing; new arrow functions do not resend and the newest one is called', async () => {
    const s = scenario('options-equal');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    const seen: string[] = [];
    const render = (label: string) => {
      element.options = {
        startScreen: { greeting: 'Same' },
        onClientTool: async ({ name }) => (seen.push(`${label}:${name}`), { ok: true }),
      };
    };
    render('first');
    await untilState(element, 'ready');
    const double = innerDouble(element)!;
    const calls = double.setOptionsCalls.length;
    for (let i = 0; i < 10; i++) {
      render(`render-${i}`);
      await element.updateComplete;
    }
    expect(double.setOptionsCalls.length).to.equal(calls);
    await (double.options.onClientTool as (call: { name: string; params: object }) => Promise<unknown>)({ name: 'tool', params: {} });
    expect(seen).to.deep.equal(['render-9:tool']);

    element.options = { startScreen: { greeting: 'Different' } };
    await element.updateComplete;
    expect(double.setOptionsCalls.length).to.equal(calls + 1);
  });
});

describe('fidelity to @openai/chatkit (issue 12.8)', () => {
  afterEach(cleanup);

  it('queued method calls reject when ChatKit fails to start', async () => {
    const s = scenario('queue-fail');
    await s.fault({ start: 'status:500' });
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    errorsOf(element);
    const error = await element.focusComposer().then(
      () => null,
      (reason: Error) => reason,
    );
    expect(error?.message).to.match(/^focusComposer\(\) was not run: ChatKit failed to start \(session error: .*500.*\); call it again after retry\(\)\.$/);
  });

  it('locale is mapped to the nearest SupportedLocale (de-AT → de, pt-br → pt-BR), else a console warning', async () => {
    const s = scenario('locale');
    let element!: ManagedChatKit;
    const lines = await warnings(async (lines) => {
      element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, locale: 'de-AT' });
      await untilState(element, 'ready');
      expect(innerDouble(element)!.options.locale).to.equal('de');
      element.locale = 'pt-br';
      await element.updateComplete;
      expect(innerDouble(element)!.options.locale).to.equal('pt-BR');
      element.locale = 'xx-YY';
      await element.updateComplete;
      // Warnings, like failures, are worded by a chunk fetched on the first one.
      await until(() => lines.length, 'the locale warning');
    });
    expect(innerDouble(element)!.options.locale).to.equal('xx-YY');
    expect(lines).to.deep.equal(['<managed-chatkit> locale "xx-YY" is not one ChatKit supports (SupportedLocale of @openai/chatkit); ChatKit falls back to English.']);
  });

  it('a JSON theme: "dark" plus an options theme object keeps colorScheme', async () => {
    const s = scenario('theme-merge');
    const element = mount(
      { 'script-src': SCRIPT, 'start-url': s.startUrl },
      document.body,
      `<script type="application/json">{"theme": "dark"}</script>`,
    );
    element.options = { theme: { radius: 'round' } };
    await untilState(element, 'ready');
    expect(innerDouble(element)!.options.theme).to.deep.equal({ colorScheme: 'dark', radius: 'round' });
  });

  it('getClientSecret treats any falsy current secret as none (start, not refresh)', async () => {
    const s = scenario('falsy-secret');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    await untilState(element, 'ready');
    await innerDouble(element)!.options.api.getClientSecret('');
    // With start-url set, refresh goes to the same URL: the body tells a start ({}) from a refresh.
    expect((await s.log()).map((entry) => entry.body)).to.deep.equal([{}, {}]);
  });

  it('React-style on… handlers inside options warn with the DOM event to listen to, and are not passed on', async () => {
    const s = scenario('react-handlers');
    let element!: ManagedChatKit;
    const lines = await warnings(async (lines) => {
      element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
      element.options = { onThreadChange: () => {} } as never;
      await untilState(element, 'ready');
      await until(() => lines.length, 'the warning');
    });
    expect(lines).to.deep.equal([
      '<managed-chatkit> options.onThreadChange is a handler of ChatKit\'s React binding; the web component never calls it. Listen to the "chatkit.thread.change" event (or "chatkit-thread-change" in templates) on <managed-chatkit> instead.',
    ]);
    expect(innerDouble(element)!.options).not.to.have.property('onThreadChange');
  });
});
