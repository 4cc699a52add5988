/**
 * The script gadget of issue 14 and its fix, in Chromium. Pages come from test/fixtures/csp-pages.mjs, most with
 * exactly the policy docs/csp.md recommends (nonce + 'strict-dynamic' + enforced Trusted Types), each in a same-origin
 * iframe. The page is on `localhost:<port>`; the "attacker's" origin is `127.0.0.1:<port>` — another origin, served by
 * the same test server (the ChatKit double stands in for the attacker's script, the fake ChatKit server for the
 * attacker's server). Injected markup is what a CMS sanitizer lets through: `<managed-chatkit>` with attributes, and a
 * `<meta>` in the body.
 */
import { expect } from '@open-wc/testing';
import type { ManagedChatKitErrorDetail } from '../../src/errors.js';
import type { ManagedChatKit, ManagedChatKitState } from '../../src/managed-chatkit.js';
import { trustedScriptUrl } from '../../src/script-tag.js';
import { chatkitServer, doubleSrc, scenario, sleep, until, type ChatKitDouble, type CspPageRecord, type DoubleRegistry } from './helpers.js';

type PageWindow = Window & typeof globalThis & { __page: CspPageRecord; chatkitDouble?: DoubleRegistry };

interface Page {
  win: PageWindow;
  doc: Document;
  element: ManagedChatKit;
  nonce: string | undefined;
  record: CspPageRecord;
  session: ReturnType<typeof scenario>;
}

/** The attacker's origin: another origin than the page's (localhost), same test server. */
const EVIL = `http://127.0.0.1:${location.port}`;
const evilScript = () => `${EVIL}${doubleSrc({ evil: '1' })}`;

const frames: HTMLIFrameElement[] = [];

async function openPage(variant: string, params: Record<string, string> = {}): Promise<Page> {
  const session = scenario(`gadget-${variant}`);
  const query = new URLSearchParams({ start: session.startUrl, refresh: session.refreshUrl, script: doubleSrc(), ...params });
  const iframe = document.createElement('iframe');
  iframe.src = `/csp/${variant}.html?${query}`;
  frames.push(iframe);
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.body.append(iframe);
  await loaded;
  const win = iframe.contentWindow as PageWindow;
  const doc = iframe.contentDocument!;
  const nonce = doc.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
  return { win, doc, element: doc.querySelector('managed-chatkit') as ManagedChatKit, nonce, record: win.__page, session };
}

async function settled(page: Page): Promise<ManagedChatKitState> {
  await until(() => page.win.customElements.get('managed-chatkit'), 'managed-chatkit defined in the page', 6000);
  await until(() => page.element.state === 'ready' || page.element.state === 'error', `ready or error (${JSON.stringify(page.record)})`, 6000);
  await sleep(50);
  return page.element.state;
}

const injected = (page: Page) => [...page.doc.querySelectorAll<HTMLScriptElement>('script[data-managed-chatkit]')].map((s) => [s.src, s.nonce]);
/** URLs on the attacker's origin the page fetched (resource timing: scripts and fetches alike). */
const evilRequests = (page: Page) =>
  page.win.performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => name.startsWith(EVIL));

/** Refused before anything left: one `config` error naming `mentions`, in the alert; nothing injected or fetched. */
async function expectRefused(page: Page, mentions: string[]): Promise<ManagedChatKitErrorDetail> {
  expect(await settled(page), 'state').to.equal('error');
  expect(page.record.elementErrors).to.have.length(1);
  const [detail] = page.record.elementErrors;
  expect({ phase: detail.phase, retryable: detail.retryable }).to.deep.equal({ phase: 'config', retryable: false });
  for (const part of mentions) expect(detail.message).to.include(part);
  await page.element.updateComplete;
  expect(page.element.shadowRoot!.querySelector('[part="error"]')?.textContent).to.include(detail.message);
  expect(injected(page), 'no script injected').to.deep.equal([]);
  expect(page.record.scripts, 'no script inserted, even for a moment').to.deep.equal([]);
  expect(page.win.chatkitDouble, 'no ChatKit (nor attacker) script ran').to.equal(undefined);
  expect(evilRequests(page), 'nothing fetched from the other origin').to.deep.equal([]);
  expect(await page.session.log(), 'no session request').to.deep.equal([]);
  expect(page.record.errors).to.deep.equal([]);
  expect(page.record.rejections).to.deep.equal([]);
  return detail;
}

async function expectReady(page: Page): Promise<void> {
  expect(await settled(page), page.element.error?.message ?? 'state').to.equal('ready');
  expect(page.record.elementErrors).to.deep.equal([]);
  expect(page.record.violations, 'CSP violations').to.deep.equal([]);
  expect(page.record.errors).to.deep.equal([]);
}

describe('script gadget: injected <managed-chatkit> markup on a page with the docs/csp.md policy', () => {
  afterEach(() => frames.splice(0).forEach((frame) => frame.remove()));

  describe('the attack is refused', () => {
    it('script-src on another origin: a config error naming the JS and <meta> fix; nothing injected, no nonce handed out, no request', async () => {
      const page = await openPage('docs', { script: evilScript() });
      expect(page.nonce, 'the page has a nonce to steal').to.be.a('string');
      const detail = await expectRefused(page, [
        `script-src "${evilScript()}" is not allowed`,
        `ManagedChatKit.allowedScriptOrigins = ['${EVIL}']`,
        `<meta name="managed-chatkit-script-src" content="${EVIL}"> to <head>`,
      ]);
      expect(detail).to.not.have.property('status');
    });

    it('…also with a <meta name="managed-chatkit-script-src"> injected alongside in the body', async () => {
      const page = await openPage('docs', { script: evilScript(), scriptMeta: EVIL, metaIn: 'body' });
      expect(page.doc.body.querySelector('meta[name="managed-chatkit-script-src"]'), 'the injected meta stays in the body').to.exist;
      await expectRefused(page, [`script-src "${evilScript()}" is not allowed`]);
    });

    it('…also with that <meta> in <head> but without the page nonce (as a framework hoisting rendered content puts it)', async () => {
      const page = await openPage('docs', { script: evilScript(), scriptMeta: EVIL });
      expect(page.doc.head.querySelector('meta[name="managed-chatkit-script-src"]')).to.exist;
      await expectRefused(page, [`script-src "${evilScript()}" is not allowed`]);
    });

    it('api-url on another origin with credentials="include" (a page without connect-src): refused, no request reaches that server', async () => {
      const evilServer = `${EVIL}${chatkitServer('evil').url}`;
      const page = await openPage('strict-dynamic', { api: evilServer, domainKey: 'k', credentials: 'include' });
      await expectRefused(page, [`api-url="${evilServer}" is not allowed`, `ManagedChatKit.allowedConnectOrigins = ['${EVIL}']`, `<meta name="managed-chatkit-connect-src" content="${EVIL}">`]);
      expect(await (await fetch(`${new URL(evilServer).pathname}/log`)).json()).to.deep.equal([]);
    });

    it('upload-url on another origin (api-url same-origin): refused', async () => {
      const server = chatkitServer('upload');
      const page = await openPage('strict-dynamic', { api: server.url, domainKey: 'k', upload: `${EVIL}/upload` });
      await expectRefused(page, [`upload-url="${EVIL}/upload" is not allowed`, 'allowedConnectOrigins']);
      expect(await server.log()).to.deep.equal([]);
    });

    it("the managed-chatkit Trusted Types policy refuses any URL the allowlist refuses", () => {
      expect(() => trustedScriptUrl(`${EVIL}/x.js`)).to.throw(TypeError, /not an allowed ChatKit script URL/);
      expect(() => trustedScriptUrl('https://evil.test/x.js')).to.throw(TypeError);
      const own = `${location.origin}${doubleSrc()}`;
      expect(String(trustedScriptUrl(own))).to.equal(own);
      expect(String(trustedScriptUrl('https://cdn.platform.openai.com/deployments/chatkit/chatkit.js'))).to.equal('https://cdn.platform.openai.com/deployments/chatkit/chatkit.js');
    });
  });

  describe('legitimate pages still work', () => {
    it("the default script-src (ChatKit's CDN) is allowed: the tag is injected with the page's nonce", async () => {
      const page = await openPage('docs', { script: '' });
      // The CDN is out of reach here: what matters is that the tag went in, with the nonce, and no config error came.
      await until(() => page.record.scripts.length === 1, 'the CDN tag', 6000);
      expect(page.record.scripts).to.deep.equal([['https://cdn.platform.openai.com/deployments/chatkit/chatkit.js', page.nonce]]);
      expect(page.record.elementErrors.filter((e) => e.phase === 'config')).to.deep.equal([]);
    });

    it('ChatKit from the page’s own origin: ready, the tag carries the nonce', async () => {
      const page = await openPage('docs');
      await expectReady(page);
      expect(injected(page)).to.deep.equal([[`${location.origin}${doubleSrc()}`, page.nonce]]);
    });

    it('another origin allowed from the page’s code (ManagedChatKit.allowedScriptOrigins): ready, the tag carries the nonce', async () => {
      const page = await openPage('docs', { script: evilScript(), scriptJs: EVIL });
      await expectReady(page);
      expect(injected(page)).to.deep.equal([[evilScript(), page.nonce]]);
      expect((page.win.customElements.get('managed-chatkit') as unknown as { allowedScriptOrigins: unknown }).allowedScriptOrigins).to.deep.equal([EVIL]);
    });

    it('another origin allowed by <meta name="managed-chatkit-script-src" nonce> in <head>: ready', async () => {
      const page = await openPage('docs', { script: evilScript(), scriptMeta: EVIL, metaNonce: '1' });
      await expectReady(page);
      expect(injected(page)).to.deep.equal([[evilScript(), page.nonce]]);
    });

    it('on a page without nonces, a <meta> in <head> needs none', async () => {
      const page = await openPage('hash-strict-dynamic', { script: evilScript(), scriptMeta: EVIL });
      expect(page.nonce).to.equal(undefined);
      await expectReady(page);
      expect(injected(page)).to.deep.equal([[evilScript(), '']]);
    });

    it('your own ChatKit server on the page’s origin: ready, the conversation streams', async () => {
      const server = chatkitServer('same-origin');
      const page = await openPage('docs', { api: server.url, domainKey: 'k' });
      await expectReady(page);
      await page.element.sendUserMessage({ text: 'same origin' });
      expect((page.element.chatkit as unknown as ChatKitDouble).transcript()).to.deep.equal([
        ['user_message', 'same origin'],
        ['assistant_message', 'You said: same origin'],
      ]);
    });

    for (const [how, params] of [
      ['ManagedChatKit.allowedConnectOrigins', { connectJs: EVIL }],
      ['<meta name="managed-chatkit-connect-src" nonce> in <head>', { connectMeta: EVIL, metaNonce: '1' }],
    ] as const) {
      it(`your own ChatKit server on another origin allowed by ${how}: ready, its requests (credentials include) go there`, async () => {
        const server = chatkitServer('cross-origin');
        const api = `${EVIL}${server.url}`;
        const page = await openPage('docs', { api, domainKey: 'k', credentials: 'include', connect: EVIL, ...params });
        await expectReady(page);
        await page.element.sendUserMessage({ text: 'cross origin' });
        expect((page.element.chatkit as unknown as ChatKitDouble).transcript()).to.deep.equal([
          ['user_message', 'cross origin'],
          ['assistant_message', 'You said: cross origin'],
        ]);
        const log = await server.log();
        expect(log.map((entry) => [entry.body.type, entry.headers.origin])).to.deep.equal([['threads.create', location.origin]]);
      });
    }
  });
});
