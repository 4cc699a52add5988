/**
 * A script that loads but never defines `<openai-chatkit>`: after `timeout` ms one retryable `script` error says so
 * (distinct from "did not load"); `retry()` once the URL serves ChatKit reaches `ready`.
 * Own page: once `<openai-chatkit>` is defined it stays defined.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { scenario } from './helpers.js';
import { cleanupFaults, fetchedUrls, runFaultRow } from './fault-helpers.js';

describe('<managed-chatkit> script that never defines <openai-chatkit>', () => {
  afterEach(cleanupFaults);

  it('times out after the timeout attribute with a script error; retry() after the fix reaches ready', async () => {
    const s = scenario('script-never');
    const path = `/flaky-script/${s.id}/never.js`;
    const href = new URL(path, location.href).href;
    await runFaultRow({
      name: 'script never defines',
      attributes: { 'script-src': path, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl, timeout: '500' },
      expected: { phase: 'script', retryable: true, mentions: [href, 'loaded but did not define <openai-chatkit> within 500 ms', 'script-src'] },
      whileFailed: () => {
        expect((window as { neverScriptRan?: number }).neverScriptRan, 'the script ran').to.equal(1);
        expect(customElements.get('openai-chatkit')).to.equal(undefined);
        expect(document.querySelectorAll('script[data-managed-chatkit]').length, 'timed-out tag removed').to.equal(0);
      },
      repair: () => fetch(`/flaky-script/${s.id}/fix`, { method: 'PUT' }).then(() => undefined),
      recovery: 'retry()',
      afterRecovery: () => {
        expect([...document.querySelectorAll<HTMLScriptElement>('script[data-managed-chatkit]')].map((script) => script.src)).to.deep.equal([href]);
        expect(fetchedUrls(path)).to.have.length(2);
      },
    });
  });
});
