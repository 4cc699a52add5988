/**
 * Configuration faults: a forbidden `script-src` or a malformed JSON options child is a `config` error raised before
 * anything is fetched or inserted, and fixing the attribute (or the JSON text, in place) recovers by itself.
 * Runs on its own page so the first row meets a page where `<openai-chatkit>` is not defined yet.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { doubleSrc, innerDouble, scenario } from './helpers.js';
import { cleanupFaults, fetchedUrls, runFaultRow, scriptsWithSrc } from './fault-helpers.js';

const SCRIPT = doubleSrc({}, 20);

interface ScriptSrcRow {
  name: string;
  src: string;
  /** What would show in resource timing had the URL been fetched. */
  fetchFragment: string;
}

const forbidden: ScriptSrcRow[] = [
  { name: 'script-src javascript: is a config error and inserts no <script>', src: 'javascript:window.__pwned=1', fetchFragment: 'javascript:' },
  { name: 'script-src data: is a config error and inserts no <script>', src: 'data:text/javascript,window.__pwned=1', fetchFragment: 'data:' },
  { name: 'script-src plain http: to a non-local host is a config error and inserts no <script>', src: 'http://example.com/chatkit.js', fetchFragment: 'example.com' },
];

describe('<managed-chatkit> configuration faults', () => {
  afterEach(cleanupFaults);

  for (const row of forbidden) {
    it(row.name, async () => {
      const s = scenario('config');
      const managedScripts = document.querySelectorAll('script[data-managed-chatkit]').length;
      await runFaultRow({
        name: row.name,
        attributes: { 'script-src': row.src, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl },
        expected: { phase: 'config', retryable: false, mentions: [`script-src "${row.src}" is not allowed`, 'https:'] },
        whileFailed: async () => {
          expect(scriptsWithSrc(row.src), '<script> with the forbidden src').to.deep.equal([]);
          expect(document.querySelectorAll('script[data-managed-chatkit]').length, 'injected tags').to.equal(managedScripts);
          expect(fetchedUrls(row.fetchFragment), 'resource timing').to.deep.equal([]);
          expect((window as { __pwned?: unknown }).__pwned).to.equal(undefined);
          expect(await s.log(), 'no session request before the configuration is valid').to.deep.equal([]);
        },
        repair: (element) => element.setAttribute('script-src', SCRIPT),
        recovery: 'by itself',
        afterRecovery: () => {
          expect(scriptsWithSrc(row.src)).to.deep.equal([]);
          expect((window as { __pwned?: unknown }).__pwned).to.equal(undefined);
        },
      });
    });
  }

  it('a malformed JSON options child is a config error; fixing the JSON text in place recovers', async () => {
    const s = scenario('json');
    await runFaultRow({
      name: 'json',
      attributes: { 'script-src': SCRIPT, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl },
      children: '<script type="application/json">{"composer": {"placeholder": "Ask me"}</script>',
      expected: { phase: 'config', retryable: false, mentions: ['<script type="application/json">', 'not valid JSON'] },
      whileFailed: async () => expect(await s.log()).to.deep.equal([]),
      repair: (element) => {
        element.querySelector('script[type="application/json"]')!.textContent = '{"composer": {"placeholder": "Ask me"}}';
      },
      recovery: 'by itself',
      afterRecovery: (element) => expect(innerDouble(element)!.options.composer).to.deep.equal({ placeholder: 'Ask me' }),
    });
  });
});
