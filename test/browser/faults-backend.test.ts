/**
 * Backend refusals: every mix of the hosted and the custom backend that cannot work is a `config` error that names the
 * attributes and the fix, raised before any request leaves (no session request, no ChatKit request, no script); fixing
 * the attribute (or the options) recovers by itself.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { ManagedChatKit } from '../../src/managed-chatkit.js';
import { chatkitServer, doubleSrc, innerDouble, scenario, untilState } from './helpers.js';
import { cleanupFaults, expectCleanPage, expectOneError, fetchedUrls, mountRecorded, watchPage } from './fault-helpers.js';

interface RefusalRow {
  name: string;
  attributes: (urls: { api: string; start: string }) => Record<string, string>;
  children?: string;
  /** Sets properties before the first update. */
  arrange?: (element: ManagedChatKit, urls: { api: string; start: string }) => void;
  mentions: (urls: { api: string; start: string }) => string[];
  repair: (element: ManagedChatKit, urls: { api: string; start: string }) => void;
}

const rows: RefusalRow[] = [
  {
    name: 'api-url without domain-key',
    attributes: ({ api }) => ({ 'api-url': api }),
    mentions: ({ api }) => [`api-url="${api}" needs domain-key`, location.hostname, 'domain allowlist'],
    repair: (element) => element.setAttribute('domain-key', 'domain_pk_fixed'),
  },
  {
    name: 'api-url with an explicit start-url',
    attributes: ({ api, start }) => ({ 'api-url': api, 'domain-key': 'k', 'start-url': start }),
    mentions: ({ api }) => [`api-url="${api}"`, 'cannot be combined with start-url', 'Remove start-url'],
    repair: (element) => element.removeAttribute('start-url'),
  },
  {
    name: 'api-url with refresh-url and workflow-id',
    attributes: ({ api }) => ({ 'api-url': api, 'domain-key': 'k', 'refresh-url': '/r', 'workflow-id': 'wf_1' }),
    mentions: () => ['cannot be combined with refresh-url, workflow-id', 'Remove refresh-url and workflow-id', 'remove api-url'],
    repair: (element) => {
      element.removeAttribute('refresh-url');
      element.removeAttribute('workflow-id');
    },
  },
  {
    name: 'api.getClientSecret in options',
    attributes: ({ start }) => ({ 'start-url': start }),
    arrange: (element) => {
      element.options = { api: { getClientSecret: async () => 'page-secret' } as never };
    },
    mentions: () => ['api.getClientSecret in the options is not accepted', 'start-url', 'api-url and domain-key'],
    repair: (element) => {
      element.options = {};
    },
  },
  {
    name: 'a non-http(s) api-url',
    attributes: () => ({ 'api-url': 'javascript:alert(1)', 'domain-key': 'k' }),
    mentions: () => ['api-url="javascript:alert(1)" is not an http(s) URL', '"/api/chatkit"'],
    repair: (element, { api }) => element.setAttribute('api-url', api),
  },
  {
    name: 'a non-http(s) api.url in the JSON child',
    attributes: () => ({ 'domain-key': 'k' }),
    children: '<script type="application/json">{"api": {"url": "ftp://files.example.com/chatkit"}}</script>',
    mentions: () => ['api.url "ftp://files.example.com/chatkit" is not an http(s) URL'],
    repair: (element, { api }) => {
      element.querySelector('script')!.textContent = JSON.stringify({ api: { url: api } });
    },
  },
];

describe('<managed-chatkit> backend refusals', () => {
  afterEach(cleanupFaults);

  for (const row of rows) {
    it(`${row.name} is a config error naming the fix; nothing is requested; fixing it recovers by itself`, async () => {
      const page = watchPage();
      const server = chatkitServer('refuse');
      const session = scenario('refuse');
      const script = doubleSrc({ case: row.name.replace(/\W+/g, '-') }); // a URL of its own: was it fetched?
      const urls = { api: server.url, start: session.startUrl };
      const { element, recorder } = mountRecorded({ 'script-src': script, ...row.attributes(urls) }, row.children);
      row.arrange?.(element, urls);
      await untilState(element, 'error');
      await expectOneError(element, recorder, { phase: 'config', retryable: false, mentions: row.mentions(urls) });
      expect(await session.log(), 'session requests').to.deep.equal([]);
      expect(await server.log(), 'ChatKit server requests').to.deep.equal([]);
      expect(fetchedUrls(script), 'ChatKit script requests').to.deep.equal([]);
      expect(element.chatkit === null, 'no ChatKit mounted').to.equal(true);

      row.repair(element, urls);
      await untilState(element, 'ready');
      expect(element.error).to.equal(null);
      expect(recorder.errors).to.have.length(1);
      expect(innerDouble(element)!.options.api).to.be.an('object');
      await expectCleanPage(page);
      page.stop();
    });
  }

  it('a relative api-url resolves against the page and is accepted', async () => {
    const server = chatkitServer('relative');
    const path = server.url.replace(/^\//, '');
    const { element, recorder } = mountRecorded({ 'script-src': doubleSrc(), 'api-url': path, 'domain-key': 'k' });
    await untilState(element, 'ready');
    await element.sendUserMessage({ text: 'relative' });
    expect(recorder.errors).to.deep.equal([]);
    expect(await server.log()).to.have.length(1);
  });
});
