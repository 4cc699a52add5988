/**
 * An element removed while something is in flight goes quiet: no error event, no state change after removal, no
 * unhandled rejection — and connecting it again starts afresh. Own page: the first case needs `<openai-chatkit>`
 * undefined so the script is really still loading.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { doubleSrc, innerDouble, scenario, sleep, until, untilState } from './helpers.js';
import { cleanupFaults, expectCleanPage, expectReady, mountRecorded, watchPage } from './fault-helpers.js';

describe('<managed-chatkit> removed while a request is in flight', () => {
  afterEach(cleanupFaults);

  it('removed while the ChatKit script is loading: silent, and the shared script still defines ChatKit', async () => {
    const page = watchPage();
    try {
      const s = scenario('removed-script');
      const script = doubleSrc({}, 600);
      const { element, recorder } = mountRecorded({ 'script-src': script, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl, timeout: '400' });
      // The first stage adds the tag as the element connects; `loading` follows once the rest of the element is in.
      await until(() => element.state === 'loading' && document.querySelector(`script[data-managed-chatkit][src="${new URL(script, location.href).href}"]`), 'the script tag');
      const chatkitEvents: string[] = [];
      element.addEventListener('chatkit-error', (event) => chatkitEvents.push(event.type));
      element.remove();
      await sleep(900); // past the 400 ms timeout and the 600 ms script delay
      expect(recorder.errors).to.deep.equal([]);
      expect(recorder.states).to.deep.equal([['loading', 'idle']]);
      expect(element.state).to.equal('loading');
      expect(element.getAttribute('state')).to.equal('loading');
      expect(element.chatkit).to.equal(null);
      expect(chatkitEvents).to.deep.equal([]);
      expect(customElements.get('openai-chatkit'), 'the shared load went on for other elements').to.not.equal(undefined);
      await expectCleanPage(page);
    } finally {
      page.stop();
    }
  });

  it('removed while ChatKit waits for start-url: silent; connecting it again starts afresh and reaches ready', async () => {
    const page = watchPage();
    try {
      const s = scenario('removed-session');
      await s.fault({ start: 'hang' });
      const { element, recorder } = mountRecorded({ 'script-src': doubleSrc(), 'start-url': s.startUrl, 'refresh-url': s.refreshUrl, timeout: '400' });
      await until(() => innerDouble(element)?.secretRequests.length === 1, 'ChatKit asking for a secret');
      expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']);
      const waiting = innerDouble(element)!;
      const chatkitEvents: string[] = [];
      element.addEventListener('chatkit-error', (event) => chatkitEvents.push(event.type));
      const parent = element.parentElement!;
      element.remove();
      await sleep(700); // past the 400 ms request timeout
      expect(recorder.errors).to.deep.equal([]);
      expect(recorder.states).to.deep.equal([['loading', 'idle']]);
      expect(element.state).to.equal('loading');
      expect(element.chatkit).to.equal(null);
      expect(waiting.isConnected).to.equal(false);
      expect(waiting.secret).to.equal(null);
      expect(chatkitEvents, 'the abandoned ChatKit is no longer forwarded').to.deep.equal([]);
      await expectCleanPage(page);

      await s.fault({ start: 'ok' });
      parent.append(element);
      await untilState(element, 'ready');
      await expectReady(element);
      expect(innerDouble(element)).to.not.equal(waiting);
      expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start', 'start']);
      expect(recorder.errors).to.deep.equal([]);
      expect(recorder.states).to.deep.equal([
        ['loading', 'idle'],
        ['ready', 'loading'],
      ]);
      await expectCleanPage(page);
    } finally {
      page.stop();
    }
  });
});
