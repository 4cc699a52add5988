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

let runs = 0;

/** test/fixtures/two-stage.html from a folder of its own (see test/fixtures/chunk-faults.mjs), `attributes` added to its element. */
async function openPage(attributes: Record<string, string> = {}): Promise<{ win: Window & typeof globalThis; element: ManagedChatKit; errors: ManagedChatKitErrorDetail[] }> {
  // Events fired before the frame's load event are missed here: the element's `error` tells what happened.
  const frame = await loadPage(`/faulty-dist/${Date.now().toString(36)}-${runs++}/page.html?${new URLSearchParams(attributes)}`);
  const win = frame.contentWindow as Window & typeof globalThis;
  const errors: ManagedChatKitErrorDetail[] = [];
  win.document.addEventListener('managed-chatkit-error', (event) => {
    event.preventDefault();
    errors.push((event as CustomEvent<ManagedChatKitErrorDetail>).detail);
  });
  return { win, element: win.document.querySelector('managed-chatkit') as ManagedChatKit, errors };
}

/** Our files the page fetched, by name. */
function ourFiles(win: Window): string[] {
  return win.performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith('/faulty-dist/'))
    .map((path) => path.split('/').pop()!);
}

/** The session endpoint two-stage.html's element uses (test/fixtures/fake-session-middleware.mjs; faults merge, `ok` clears). */
const setSessionFault = (faults: { start?: string }) => fetch('/session/two-stage/fault', { method: 'PUT', body: JSON.stringify(faults) });

describe('two-stage boot (built files)', () => {
  afterEach(async () => {
    document.body.replaceChildren();
    await fetch('/faulty-dist', { method: 'DELETE' });
    await setSessionFault({ start: 'ok' });
  });

  it('a page where nothing fails never fetches the failure wording', async () => {
    const { win, element } = await openPage();
    await until(() => element.getAttribute('state') === 'ready', 'state="ready"');
    expect(ourFiles(win)).to.include.members(['managed-chatkit.js', 'managed-chatkit.chatkit-controller.js', 'managed-chatkit.session-client.js']);
    expect(ourFiles(win).filter((file) => file.includes('failure'))).to.deep.equal([]);
  });

  it('the first failure fetches the wording: the element reports it worded in full', async () => {
    await setSessionFault({ start: 'status:500' });
    const { win, element } = await openPage();
    await until(() => element.getAttribute('state') === 'error', 'state="error"');
    expect(ourFiles(win)).to.include('managed-chatkit.failure-messages.js');
    expect(element.error).to.include({ phase: 'session', status: 500, retryable: true });
    expect(element.error!.message).to.match(/^start-url \/session\/two-stage\/start answered 500.*\. Check the server behind start-url\.$/);
    expect(element.shadowRoot!.querySelector('[part="error"] p')?.textContent).to.equal(element.error!.message);
  });

  it('removed while its first failure is being worded: nothing is reported, and it starts afresh when added again', async () => {
    await setSessionFault({ start: 'status:500' });
    await fetch('/faulty-dist/managed-chatkit.failure-messages.js?delay=400&times=1', { method: 'PUT' });
    const { win, element, errors } = await openPage();
    await until(() => win.performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/start')), 'the start request');
    await new Promise((resolve) => setTimeout(resolve, 150)); // the 500 is in, its wording on the way
    expect(element.state).to.equal('loading');
    const parent = element.parentNode!;
    element.remove();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(element.error, 'no error once removed').to.equal(null);
    expect(errors).to.deep.equal([]);
    await setSessionFault({ start: 'ok' });
    parent.append(element);
    await until(() => element.getAttribute('state') === 'ready', 'state="ready" once added again');
    expect(errors).to.deep.equal([]);
  });

  it('a fix made while the first failure is being worded is taken: a fresh attempt, that failure never reported', async () => {
    await fetch('/faulty-dist/managed-chatkit.failure-messages.js?delay=400&times=1', { method: 'PUT' });
    const { element, errors } = await openPage({ credentials: 'sometimes' });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the config error is found, its wording on the way
    expect(element.state).to.equal('loading');
    element.credentials = 'same-origin';
    await until(() => element.getAttribute('state') === 'ready', 'state="ready"');
    await new Promise((resolve) => setTimeout(resolve, 400)); // the wording has arrived since
    expect(element.state).to.equal('ready');
    expect(element.error).to.equal(null);
    expect(errors).to.deep.equal([]);
  });

  it('a failure whose wording cannot be fetched is still reported, with its reason and facts', async () => {
    await setSessionFault({ start: 'status:500' });
    await fetch('/faulty-dist/managed-chatkit.failure-messages.js?status=503&times=1', { method: 'PUT' });
    const { element } = await openPage();
    await until(() => element.getAttribute('state') === 'error', 'state="error"');
    expect(element.error).to.include({ phase: 'session', status: 500, retryable: true });
    expect(element.error!.message).to.match(/^answerStatus \["start-url","\/session\/two-stage\/start",500,/);
    expect(element.shadowRoot!.querySelector('[part="error"] p')?.textContent).to.equal(element.error!.message);
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

  it('sends the session request before it adds ChatKit’s script, so a secret answered with the script is read before ChatKit runs', async () => {
    // A page of its own whose fetch notes, for the start request, whether ChatKit's script tag was already there.
    const frame = document.createElement('iframe');
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.srcdoc = `<!doctype html><script>
window.scriptTagAtStart = [];
const send = fetch;
window.fetch = (input, init) => {
  if (String(input).endsWith('/start')) scriptTagAtStart.push(!!document.querySelector('script[src*="chatkit-double.js"]'));
  return send(input, init);
};
</script><script type="module" src="/dist/managed-chatkit.js"></script>
<managed-chatkit start-url="/session/two-stage-order/start" script-src="/script/0/chatkit-double.js"></managed-chatkit>`;
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as Window & typeof globalThis & { scriptTagAtStart: boolean[] };
    const element = win.document.querySelector('managed-chatkit') as ManagedChatKit;
    await until(() => element.getAttribute('state') === 'ready', 'state="ready"');
    expect(win.document.querySelectorAll('script[src*="chatkit-double.js"]').length, 'the first stage added the script').to.equal(1);
    expect(win.scriptTagAtStart).to.deep.equal([false]);
  });
});
