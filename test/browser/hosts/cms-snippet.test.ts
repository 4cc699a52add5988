/**
 * <managed-chatkit> pasted into a CMS page: test/fixtures/cms-snippet.html holds nothing but the bundle's
 * `<script type="module">`, the element and its JSON options — no build step, no JavaScript of the page's own.
 * Needs `npm run build` first (npm test does it): the page loads dist/managed-chatkit.js, which fetches the rest of
 * the element from the same folder.
 */
import { expect } from '@open-wc/testing';
import type { ManagedChatKit } from '../../../src/index.js';
import type { ChatKitDouble } from '../helpers.js';
import { until } from '../helpers.js';
import { loadPage } from './host-helpers.js';

describe('<managed-chatkit> pasted into a CMS page', () => {
  afterEach(() => document.body.replaceChildren());

  it('the built first stage starts from plain HTML: secret from start-url, options from the JSON child; the rest of the element arrives beside it', async () => {
    const frame = await loadPage('/test/fixtures/cms-snippet.html');
    const page = frame.contentWindow!;
    const el = page.document.querySelector('managed-chatkit') as ManagedChatKit;
    expect(page.customElements.get('managed-chatkit'), 'the bundle did not register the element (run npm run build)').to.not.equal(undefined);
    await until(() => el.getAttribute('state') === 'ready', 'state="ready" on the pasted element');

    const double = el.chatkit as unknown as ChatKitDouble;
    expect(double.secret).to.equal('secret-start-1');
    const first = double.setOptionsCalls[0];
    expect(first.startScreen).to.deep.equal({ greeting: 'Welcome! How can we help?' });
    expect(first.composer).to.deep.equal({ placeholder: 'Ask about our opening hours' });
    expect(first.history).to.deep.equal({ enabled: false });
    expect(first.theme).to.deep.equal({ colorScheme: 'light' });
    expect(double.setOptionsCalls.length).to.equal(1);

    const log = (await (await fetch('/session/cms-snippet/log')).json()) as Array<{ kind: string }>;
    expect(log.map((entry) => entry.kind)).to.deep.equal(['start']);
    // One ChatKit tag, and nothing but the built files were needed: no source modules fetched by the page, no launcher.
    expect(page.document.querySelectorAll('script[src*="chatkit-double.js"]').length).to.equal(1);
    const entries = page.performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const fetched = entries.map((entry) => new URL(entry.name).pathname).filter((path) => !path.startsWith('/__web-dev-server')); // the test server's own reload socket
    expect(fetched.filter((path) => path.endsWith('.js') || path.endsWith('.ts')).sort()).to.deep.equal([
      '/dist/managed-chatkit.chatkit-controller.js',
      '/dist/managed-chatkit.js',
      '/dist/managed-chatkit.session-client.js', // hosted mode only
      '/script/0/chatkit-double.js',
    ]);
    // Two stages: the session request and ChatKit's script left before the rest of the element had arrived.
    const timing = (path: string) => entries.find((entry) => new URL(entry.name).pathname === path)!;
    const rest = timing('/dist/managed-chatkit.chatkit-controller.js');
    expect(timing('/session/cms-snippet/start').startTime, '/start sent before the second stage arrived').to.be.below(rest.responseEnd);
    expect(timing('/script/0/chatkit-double.js').startTime, 'script requested before the second stage arrived').to.be.below(rest.responseEnd);
  });
});
