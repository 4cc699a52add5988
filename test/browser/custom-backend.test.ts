/**
 * Custom-backend mode ("your own ChatKit server"): `api-url` + `domain-key` give ChatKit `api: { url, domainKey, fetch,
 * uploadStrategy }` and no `getClientSecret`; the ChatKit double then speaks the ChatKit protocol to the fake ChatKit
 * server (test/fixtures/fake-chatkit-server.mjs) through that `fetch`.
 */
import { expect } from '@open-wc/testing';
import { ManagedChatKit } from '../../src/index.js';
import { chatkitServer, cleanup, doubles, doubleSrc, innerDouble, mount, requestsFor, scenario, sleep, until, untilState, type CustomApi } from './helpers.js';
import { record, watchPage, expectCleanPage } from './fault-helpers.js';

const SCRIPT = doubleSrc();

const apiOf = (element: ManagedChatKit) => innerDouble(element)!.options.api as unknown as CustomApi & { getClientSecret?: unknown };

/** Collects ChatKit events re-fired on the host (dotted names). */
function hostEvents(element: ManagedChatKit, names: string[]): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  for (const name of names) element.addEventListener(name, (event) => seen.push([name, (event as CustomEvent).detail]));
  return seen;
}

describe('<managed-chatkit> with your own ChatKit server', () => {
  afterEach(() => {
    cleanup();
    ManagedChatKit.allowedConnectOrigins = null;
    document.cookie = 'ck-test=; Max-Age=0; path=/';
    if (doubles()?.config) doubles()!.config!.ready = 'after-secret';
  });

  it('api-url + domain-key and nothing else: ready, ChatKit gets api {url, domainKey, fetch} and no getClientSecret, start-url is never asked', async () => {
    const page = watchPage();
    const server = chatkitServer('plain');
    const element = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'domain_pk_test' });
    await untilState(element, 'ready');
    const api = apiOf(element);
    expect(Object.keys(api).sort()).to.deep.equal(['domainKey', 'fetch', 'url']);
    expect(api.url).to.equal(server.url);
    expect(api.domainKey).to.equal('domain_pk_test');
    expect(api.fetch).to.be.a('function');
    expect(innerDouble(element)!.secretRequests).to.deep.equal([]);
    expect(requestsFor('/api/chatkit/start'), 'requests to the default start-url').to.equal(0);
    expect(element.error).to.equal(null);
    await expectCleanPage(page);
    page.stop();
  });

  it('streams a conversation over the ChatKit protocol: threads.create, then threads.add_user_message with the thread id', async () => {
    const server = chatkitServer('talk');
    const element = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k' });
    const events = hostEvents(element, ['chatkit.response.start', 'chatkit.response.end', 'chatkit.thread.change', 'chatkit-thread-change']);
    await element.sendUserMessage({ text: 'hi' }); // queued until ready, resolved once ChatKit ran it
    const double = innerDouble(element)!;
    const [first] = await server.log();
    expect(first.body).to.deep.equal({
      type: 'threads.create',
      params: { input: { content: [{ type: 'input_text', text: 'hi' }], attachments: [], quoted_text: null, inference_options: {} } },
    });
    expect(first.headers['content-type']).to.equal('application/json');
    const threadId = double.threadId!;
    expect(threadId).to.match(/^thr_[0-9a-f]{8}$/);
    expect(double.transcript()).to.deep.equal([
      ['user_message', 'hi'],
      ['assistant_message', 'You said: hi'],
    ]);
    expect(events).to.deep.equal([
      ['chatkit.response.start', null],
      ['chatkit.thread.change', { threadId }],
      ['chatkit-thread-change', { threadId }],
      ['chatkit.response.end', null],
    ]);

    await element.sendUserMessage({ text: 'and again' });
    const log = await server.log();
    expect(log.map((entry) => entry.body.type)).to.deep.equal(['threads.create', 'threads.add_user_message']);
    expect(log[1].body.params.thread_id).to.equal(threadId);
    expect(double.transcript().map(([, text]) => text)).to.deep.equal(['hi', 'You said: hi', 'and again', 'You said: and again']);
    expect(element.state).to.equal('ready');
  });

  it('the default api.fetch applies sessionHeaders and credentials to every ChatKit request; ChatKit’s own headers win', async () => {
    const server = chatkitServer('headers');
    document.cookie = 'ck-test=1; path=/';
    const element = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k' }, document.body);
    element.sessionHeaders = { 'X-CSRF-Token': 'csrf-1', 'Content-Type': 'text/plain' };
    await element.sendUserMessage({ text: 'one' });
    element.credentials = 'omit';
    element.sessionHeaders = { 'X-CSRF-Token': 'csrf-2' };
    await element.sendUserMessage({ text: 'two' });
    const [one, two] = (await server.log()).map((entry) => entry.headers);
    expect(one['x-csrf-token']).to.equal('csrf-1');
    expect(one['content-type']).to.equal('application/json');
    expect(one.cookie, 'same-origin credentials send the cookie').to.include('ck-test=1');
    expect(two['x-csrf-token'], 'read per request').to.equal('csrf-2');
    expect(two.cookie, 'credentials="omit"').to.equal(undefined);
  });

  it('the apiFetch property, or api.fetch in options, replaces the default fetch (apiFetch wins)', async () => {
    const server = chatkitServer('fetch');
    const seen: string[] = [];
    const tagged =
      (tag: string): typeof fetch =>
      (input, init) => {
        seen.push(tag);
        return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'X-Tag': tag } });
      };
    const element = document.createElement('managed-chatkit');
    element.setAttribute('script-src', SCRIPT);
    element.options = { api: { url: server.url, domainKey: 'k', fetch: tagged('options') } };
    document.body.append(element);
    await untilState(element, 'ready');
    await element.sendUserMessage({ text: 'a' });
    element.apiFetch = tagged('property');
    await element.updateComplete;
    await element.sendUserMessage({ text: 'b' });
    expect(seen).to.deep.equal(['options', 'property']);
    expect((await server.log()).map((entry) => entry.headers['x-tag'])).to.deep.equal(['options', 'property']);
  });

  it('api in the JSON child means the same as the attributes, and the attributes win', async () => {
    const server = chatkitServer('json');
    const element = mount(
      { 'script-src': SCRIPT, 'domain-key': 'from-attribute' },
      document.body,
      `<script type="application/json">${JSON.stringify({ api: { url: server.url, domainKey: 'from-json' }, composer: { placeholder: 'Ask' } })}</script>`,
    );
    await untilState(element, 'ready');
    expect(apiOf(element).url).to.equal(server.url);
    expect(apiOf(element).domainKey).to.equal('from-attribute');
    const other = chatkitServer('json-attr');
    element.apiUrl = other.url;
    await until(() => apiOf(element).url === other.url, 'api-url applied');
    await element.sendUserMessage({ text: 'x' });
    expect(await other.log()).to.have.length(1);
    expect(await server.log()).to.have.length(0);
  });

  it('upload-url → uploadStrategy direct; enabled attachments without it → two_phase; api.uploadStrategy from options is kept', async () => {
    const server = chatkitServer('upload');
    const direct = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k', 'upload-url': '/uploads' });
    const twoPhase = document.createElement('managed-chatkit');
    twoPhase.setAttribute('script-src', SCRIPT);
    twoPhase.setAttribute('api-url', server.url);
    twoPhase.setAttribute('domain-key', 'k');
    twoPhase.options = { composer: { attachments: { enabled: true } } };
    const none = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k' });
    const fromOptions = document.createElement('managed-chatkit');
    fromOptions.setAttribute('script-src', SCRIPT);
    ManagedChatKit.allowedConnectOrigins = ['https://files.example.com']; // the page's code allows its upload origin
    fromOptions.options = { api: { url: server.url, domainKey: 'k', uploadStrategy: { type: 'direct', uploadUrl: 'https://files.example.com/up' } } };
    document.body.append(twoPhase, fromOptions);
    await Promise.all([direct, twoPhase, none, fromOptions].map((element) => untilState(element, 'ready')));
    expect(apiOf(direct).uploadStrategy).to.deep.equal({ type: 'direct', uploadUrl: '/uploads' });
    expect(apiOf(twoPhase).uploadStrategy).to.deep.equal({ type: 'two_phase' });
    expect('uploadStrategy' in apiOf(none), 'no attachments, no strategy').to.equal(false);
    expect(apiOf(fromOptions).uploadStrategy).to.deep.equal({ type: 'direct', uploadUrl: 'https://files.example.com/up' });
  });

  it('reopens initial-thread from the server (threads.get_by_id) and renders its items', async () => {
    const server = chatkitServer('reopen');
    const first = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k' });
    await first.sendUserMessage({ text: 'remember me' });
    const threadId = innerDouble(first)!.threadId!;
    first.remove();
    const element = mount({ 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k', 'initial-thread': threadId });
    await until(() => innerDouble(element)?.transcript().length === 2, 'the reopened thread on screen');
    expect(innerDouble(element)!.transcript()).to.deep.equal([
      ['user_message', 'remember me'],
      ['assistant_message', 'You said: remember me'],
    ]);
    expect((await server.log()).at(-1)!.body).to.deep.equal({ type: 'threads.get_by_id', params: { thread_id: threadId } });
  });

  it('persist-thread remembers the thread under a key of its api-url and reopens it from the server on the next load', async () => {
    const server = chatkitServer('persist');
    const key = `managed-chatkit:thread:${new URL(server.url, document.baseURI).href}`;
    const attributes = { 'script-src': SCRIPT, 'api-url': server.url, 'domain-key': 'k', 'persist-thread': '' };
    const first = mount(attributes);
    await first.sendUserMessage({ text: 'persist me' });
    const threadId = innerDouble(first)!.threadId!;
    expect(localStorage.getItem(key)).to.equal(threadId);
    first.remove();
    const again = mount(attributes);
    await until(() => innerDouble(again)?.transcript().length === 2, 'the remembered thread on screen');
    expect(innerDouble(again)!.threadId).to.equal(threadId);
    expect((await server.log()).at(-1)!.body).to.deep.equal({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    localStorage.removeItem(key);
  });

  it('warms the connection to a cross-origin api-url as the attempt starts (credentialed pool with credentials="include")', async () => {
    const origin = `http://127.0.0.1:${location.port || '80'}`;
    expect(origin).not.to.equal(location.origin);
    ManagedChatKit.allowedConnectOrigins = [origin];
    const slowScript = doubleSrc({}, 300);
    const anonymous = mount({ 'script-src': slowScript, 'api-url': `${origin}/chatkit/warm`, 'domain-key': 'k' });
    await anonymous.updateComplete; // the attempt starts as the second stage arrives, the script already on its way
    const link = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].find((l) => l.href.startsWith(origin));
    expect(link, '<link rel=preconnect> to the api-url origin').to.exist;
    expect(link!.crossOrigin).to.equal('anonymous');
    anonymous.remove();
    const credentialed = mount({ 'script-src': slowScript, 'api-url': `${origin}/chatkit/warm2`, 'domain-key': 'k', credentials: 'include' });
    await credentialed.updateComplete;
    const links = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].filter((l) => l.href.startsWith(origin));
    expect(links.map((l) => l.crossOrigin)).to.have.members(['anonymous', null]);
    links.forEach((l) => l.remove());
    credentialed.remove();
  });

  it('switching a ready element from a hosted workflow to api-url rebuilds ChatKit for the new backend', async () => {
    const s = scenario('switch');
    const server = chatkitServer('switch');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl });
    const recorder = record(element);
    await untilState(element, 'ready');
    const hosted = innerDouble(element)!;
    element.removeAttribute('start-url');
    element.setAttribute('api-url', server.url);
    element.setAttribute('domain-key', 'k');
    await until(() => (element.chatkit as unknown) !== hosted && element.state === 'ready', 'a new ChatKit, ready');
    expect(apiOf(element).url).to.equal(server.url);
    expect(apiOf(element).getClientSecret).to.equal(undefined);
    expect(recorder.errors).to.deep.equal([]);
  });
});
