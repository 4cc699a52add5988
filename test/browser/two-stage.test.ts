/**
 * The two-stage boot as shipped: test/fixtures/two-stage.html loads the built managed-chatkit.js (run `npm run build`
 * first; npm test does) from /faulty-dist/, a copy of dist/ served by test/fixtures/chunk-faults.mjs, whose files can
 * be made to fail; the first stage fetches its second, managed-chatkit.chatkit-controller.js, from the same folder.
 */
import { expect } from '@open-wc/testing';
import type { ManagedChatKitErrorDetail } from '../../src/errors.js';
import type { ManagedChatKit } from '../../src/managed-chatkit.js';
import { until } from './helpers.js';
import { loadPage } from './hosts/host-helpers.js';

async function openPage(): Promise<{ win: Window & typeof globalThis; element: ManagedChatKit; errors: ManagedChatKitErrorDetail[] }> {
  // Events fired before the frame's load event are missed here: the element's `error` tells what happened.
  const frame = await loadPage('/test/fixtures/two-stage.html');
  const win = frame.contentWindow as Window & typeof globalThis;
  const errors: ManagedChatKitErrorDetail[] = [];
  win.document.addEventListener('managed-chatkit-error', (event) => {
    event.preventDefault();
    errors.push((event as CustomEvent<ManagedChatKitErrorDetail>).detail);
  });
  return { win, element: win.document.querySelector('managed-chatkit') as ManagedChatKit, errors };
}

describe('two-stage boot (built files)', () => {
  afterEach(async () => {
    document.body.replaceChildren();
    await fetch('/faulty-dist', { method: 'DELETE' });
  });

  it('the second stage cannot be fetched: a visible script error naming the fix, not retryable (the browser remembers a module that failed)', async () => {
    await fetch('/faulty-dist/managed-chatkit.chatkit-controller.js?status=503&times=1', { method: 'PUT' });
    const { element, errors } = await openPage();
    await until(() => element.getAttribute('state') === 'error', 'state="error"');
    expect(element.state).to.equal('error');
    const error = element.error!;
    expect(error).to.include({ phase: 'script', retryable: false });
    expect(error.message).to.include('could not load the rest of its code').and.include('dist files').and.include('reload the page');
    const alert = element.shadowRoot!.querySelector('[role="alert"]');
    expect(alert?.getAttribute('part')).to.equal('error');
    expect(alert?.textContent).to.equal(error.message);
    const reported = errors.length; // 0 or 1: the first report may come before this page's listener
    element.retry(); // does nothing: the same import would fail again
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(element.state).to.equal('error');
    expect(errors.length, 'no second report').to.equal(reported);

  });
});
