/**
 * A script that throws while evaluating: one retryable `script` error quoting the exception; the page sees that
 * script's own uncaught error (it is the script's, reported by the browser) and nothing else; the Retry button
 * after the fix reaches `ready`. Own page: once `<openai-chatkit>` is defined it stays defined.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { scenario } from './helpers.js';
import { cleanupFaults, runFaultRow } from './fault-helpers.js';

describe('<managed-chatkit> script that throws while evaluating', () => {
  afterEach(cleanupFaults);

  it('is a script error quoting the exception; the Retry button after the fix reaches ready', async () => {
    const s = scenario('script-throw');
    const path = `/flaky-script/${s.id}/throw.js`;
    const href = new URL(path, location.href).href;
    await runFaultRow({
      name: 'script throws',
      attributes: { 'script-src': path, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl },
      expected: { phase: 'script', retryable: true, mentions: [href, 'threw while starting', 'flaky script exploded', 'script-src'] },
      whileFailed: () => {
        expect(customElements.get('openai-chatkit')).to.equal(undefined);
        expect(document.querySelectorAll('script[data-managed-chatkit]').length, 'failed tag removed').to.equal(0);
      },
      repair: () => fetch(`/flaky-script/${s.id}/fix`, { method: 'PUT' }).then(() => undefined),
      recovery: 'retry button',
      tolerate: { source: href, errors: [{ message: 'Uncaught Error: flaky script exploded', filename: href }] },
    });
  });
});
