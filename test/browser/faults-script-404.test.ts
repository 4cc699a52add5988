/**
 * A ChatKit script URL that answers 404: one retryable `script` error naming the URL and `script-src`; the failed
 * tag is removed, and `retry()` once the URL serves ChatKit inserts a fresh tag and reaches `ready`.
 * Own page: once `<openai-chatkit>` is defined it stays defined.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { scenario } from './helpers.js';
import { cleanupFaults, fetchedUrls, runFaultRow } from './fault-helpers.js';

describe('<managed-chatkit> script that answers 404', () => {
  afterEach(cleanupFaults);

  it('is a retryable script error naming the URL; retry() after the fix loads it and reaches ready', async () => {
    const s = scenario('script-404');
    const path = `/flaky-script/${s.id}/404.js`;
    const href = new URL(path, location.href).href;
    await runFaultRow({
      name: 'script 404',
      attributes: { 'script-src': path, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl },
      expected: { phase: 'script', retryable: true, mentions: [`failed to load from ${href} (script-src)`] },
      whileFailed: () => {
        expect(customElements.get('openai-chatkit')).to.equal(undefined);
        expect(document.querySelectorAll('script[data-managed-chatkit]').length, 'failed tag removed').to.equal(0);
        expect(fetchedUrls(path)).to.have.length(1);
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
