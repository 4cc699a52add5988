/**
 * The readiness watchdog, in both backends: ChatKit mounted but no `chatkit.ready` within `timeout`, or a
 * `chatkit.error` before it, is an error of phase `chatkit` naming the likely causes; `retry()` rebuilds ChatKit.
 * It must not misfire while ChatKit waits for a client secret, and real ChatKit's "ready before any secret" still
 * works. The double's mode is switched per test through `window.chatkitDouble.config`.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { ManagedChatKit } from '../../src/managed-chatkit.js';
import { chatkitServer, doubles, doubleSrc, innerDouble, scenario, sleep, until, untilState } from './helpers.js';
import { cleanupFaults, expectCleanPage, expectOneError, mountRecorded, watchPage, type Recorder } from './fault-helpers.js';

const SCRIPT = doubleSrc();

type ReadyMode = 'after-secret' | 'first' | 'never' | 'error';

/** Loads the double once (it reads its mode per instance), then sets the mode for the next ChatKit to start. */
async function doubleMode(ready: ReadyMode, readyDelay = 0): Promise<void> {
  if (!doubles()?.config) {
    const probe = mountRecorded({ 'script-src': SCRIPT, 'api-url': '/chatkit/probe', 'domain-key': 'k' });
    await untilState(probe.element, 'ready');
    cleanupFaults();
  }
  Object.assign(doubles()!.config!, { ready, readyDelay });
}

const CAUSES = [location.hostname, 'domain allowlist', 'frame-src', 'connect-src'];

async function expectChatKitError(element: ManagedChatKit, recorder: Recorder, mentions: string[]): Promise<string> {
  const detail = await expectOneError(element, recorder, { phase: 'chatkit', retryable: true, mentions: [...CAUSES, ...mentions] });
  expect(recorder.states).to.deep.equal([
    ['loading', 'idle'],
    ['error', 'loading'],
  ]);
  return detail.message;
}

describe('<managed-chatkit> readiness watchdog', () => {
  afterEach(async () => {
    cleanupFaults();
    await doubleMode('after-secret');
  });

  it('custom backend: a ChatKit that never becomes ready is a chatkit error within timeout + 1 s, naming api-url and domain-key; retry() rebuilds ChatKit', async () => {
    await doubleMode('never');
    const page = watchPage();
    const server = chatkitServer('never');
    const started = performance.now();
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'domain_pk_wrong', timeout: '1000' });
    await untilState(element, 'error', 3000);
    const elapsed = performance.now() - started;
    expect(elapsed, 'ms until the error').to.be.within(1000, 2000);
    const message = await expectChatKitError(element, recorder, ['did not fire chatkit.ready within 1000 ms', 'domain-key="domain_pk_wrong"', `api-url ${server.url}`]);
    expect(message).to.include('timeout attribute');
    const stuck = innerDouble(element);
    expect(stuck, 'ChatKit stays mounted behind the error view').to.exist;

    await doubleMode('after-secret');
    element.retry();
    await untilState(element, 'ready');
    expect(innerDouble(element) === stuck, 'retry() mounted a new ChatKit').to.equal(false);
    expect(stuck!.isConnected).to.equal(false);
    expect(element.error).to.equal(null);
    await element.sendUserMessage({ text: 'after retry' });
    expect((await server.log()).map((entry) => entry.body.type)).to.deep.equal(['threads.create']);
    await expectCleanPage(page);
    page.stop();
  });

  it('hosted: a ChatKit that never becomes ready (its secret delivered) is a chatkit error naming the allowlist and CSP, not api-url', async () => {
    await doubleMode('never');
    const s = scenario('hosted-never');
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'start-url': s.startUrl, timeout: '800' });
    await untilState(element, 'error', 2000);
    const message = await expectChatKitError(element, recorder, ['within 800 ms', 'domain-key']);
    expect(message).not.to.include('ChatKit server at api-url');
    await doubleMode('after-secret');
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    await untilState(element, 'ready');
    expect(innerDouble(element)!.secret).to.match(/^secret-start-\d+$/);
  });

  it('chatkit.error before chatkit.ready is a chatkit error at once, with ChatKit’s reason; the event still reaches the page', async () => {
    await doubleMode('error');
    const server = chatkitServer('error-first');
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k' });
    const forwarded: unknown[] = [];
    element.addEventListener('chatkit.error', (event) => forwarded.push(event.detail.error.message));
    const started = performance.now();
    await untilState(element, 'error', 1000);
    expect(performance.now() - started, 'long before timeout').to.be.below(1000);
    await expectChatKitError(element, recorder, ['fired chatkit.error before chatkit.ready', 'domain verification failed', `api-url ${server.url}`]);
    expect(forwarded).to.deep.equal(['chatkit double: domain verification failed']);
  });

  it('a ChatKit that becomes ready after the watchdog gave up recovers by itself', async () => {
    await doubleMode('after-secret', 900);
    const server = chatkitServer('late');
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k', timeout: '400' });
    await untilState(element, 'error', 2000);
    expect(recorder.errors.map((error) => error.phase)).to.deep.equal(['chatkit']);
    await untilState(element, 'ready', 2000);
    expect(element.error).to.equal(null);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
    expect(recorder.states.map(([state]) => state)).to.deep.equal(['loading', 'error', 'ready']);
  });

  it('changing domain-key after a chatkit error rebuilds ChatKit with the new key, by itself', async () => {
    await doubleMode('never');
    const server = chatkitServer('rekey');
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'domain_pk_wrong', timeout: '400' });
    await untilState(element, 'error', 2000);
    const stuck = innerDouble(element);
    await doubleMode('after-secret');
    element.setAttribute('domain-key', 'domain_pk_right');
    await untilState(element, 'ready', 2000);
    expect(innerDouble(element) === stuck, 'a new ChatKit').to.equal(false);
    expect((innerDouble(element)!.options.api as unknown as { domainKey: string }).domainKey).to.equal('domain_pk_right');
    expect(recorder.errors).to.have.length(1);
  });

  it('after ready, chatkit.error is only forwarded: the state stays ready and ChatKit shows its own UI', async () => {
    const server = chatkitServer('after-ready');
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k', timeout: '500' });
    await untilState(element, 'ready');
    const forwarded: string[] = [];
    element.addEventListener('chatkit-error', () => forwarded.push('dashed'));
    element.addEventListener('chatkit.error', () => forwarded.push('dotted'));
    await server.fault('status:500');
    await element.sendUserMessage({ text: 'boom' });
    await sleep(700); // past timeout: the watchdog is off once ready
    expect(forwarded).to.deep.equal(['dotted', 'dashed']);
    expect(element.state).to.equal('ready');
    expect(recorder.errors).to.deep.equal([]);
  });

  it('hosted, ChatKit ready before any secret (real ChatKit’s order): ready at once, the secret arrives later, no watchdog error', async () => {
    await doubleMode('first');
    const s = scenario('ready-first');
    await s.fault({ start: 'delay:600' });
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'start-url': s.startUrl, timeout: '1000' });
    await untilState(element, 'ready', 500);
    expect(innerDouble(element)!.secret, 'no secret yet').to.equal(null);
    await until(() => innerDouble(element)!.secret !== null, 'the secret', 2000);
    await sleep(1200 - 600);
    expect(element.state).to.equal('ready');
    expect(recorder.errors).to.deep.equal([]);
  });

  it('hosted: the clock stands still while ChatKit waits for a secret (a slow session within its own timeout is no ChatKit failure)', async () => {
    // Mounted at ~0 ms, the secret at ~700 ms, ChatKit ready 500 ms after it: past mount + timeout, within secret + timeout.
    await doubleMode('after-secret', 500);
    const s = scenario('slow-session');
    await s.fault({ start: 'delay:700' });
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'start-url': s.startUrl, timeout: '1000' });
    await untilState(element, 'ready', 3000);
    expect(recorder.errors).to.deep.equal([]);
    expect(recorder.states).to.deep.equal([
      ['loading', 'idle'],
      ['ready', 'loading'],
    ]);
  });

  it('hosted: a session that fails is reported once, as a session error — never also as a chatkit error', async () => {
    const s = scenario('session-fails');
    await s.fault({ start: 'hang' });
    const { element, recorder } = mountRecorded({ 'script-src': SCRIPT, 'start-url': s.startUrl, timeout: '500' });
    await untilState(element, 'error', 2000);
    await sleep(1000);
    expect(recorder.errors.map((error) => error.phase)).to.deep.equal(['session']);
  });
});
