/**
 * `<managed-chatkit>` on pages served with a Content-Security-Policy header (test/fixtures/csp-pages.mjs), each in a
 * same-origin iframe of its own, observed through `contentWindow`. The page records from its first script on its
 * uncaught errors, unhandled rejections, CSP violations, and the element's error and state events.
 */
import { expect } from '@open-wc/testing';
import type { ManagedChatKitErrorDetail } from '../../src/errors.js';
import type { ManagedChatKit, ManagedChatKitState } from '../../src/managed-chatkit.js';
import { chatkitServer, doubleSrc, scenario, sleep, until, type ChatKitDouble, type CspPageRecord } from './helpers.js';

type PageWindow = Window & typeof globalThis & { __page: CspPageRecord };

interface CspPage {
  win: PageWindow;
  doc: Document;
  element: ManagedChatKit;
  /** The nonce of the response (read from the page's own script), or undefined when the page has none. */
  nonce: string | undefined;
  record: CspPageRecord;
  /** Absolute URL of the element's script-src. */
  scriptHref: string;
}

const frames: HTMLIFrameElement[] = [];

/** Loads `/csp/<variant>.html` in an iframe with a fresh session scenario and the ChatKit double as script-src. */
async function openCspPage(variant: string, params: Record<string, string> = {}): Promise<CspPage> {
  const s = scenario(`csp-${variant}`);
  const script = params.script ?? doubleSrc();
  const query = new URLSearchParams({ start: s.startUrl, refresh: s.refreshUrl, script, ...params });
  const iframe = document.createElement('iframe');
  iframe.style.cssText = 'width: 480px; height: 320px; border: 0';
  iframe.src = `/csp/${variant}.html?${query}`;
  frames.push(iframe);
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.body.append(iframe);
  await loaded;
  const win = iframe.contentWindow as PageWindow;
  const doc = iframe.contentDocument!;
  const element = doc.querySelector('managed-chatkit') as ManagedChatKit;
  const nonce = doc.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
  return { win, doc, element, nonce, record: win.__page, scriptHref: new URL(script, iframe.src).href };
}

/** Waits until the page's element is defined and settled in `ready` or `error`. */
async function settled(page: CspPage, timeout = 6000): Promise<ManagedChatKitState> {
  try {
    await until(() => page.win.customElements.get('managed-chatkit'), 'managed-chatkit defined in the page', timeout);
    await until(() => page.element.state === 'ready' || page.element.state === 'error', 'ready or error', timeout);
  } catch (error) {
    throw new Error(`${(error as Error).message}; page record: ${JSON.stringify(page.record)}`);
  }
  await sleep(50); // a late second event would arrive by now
  return page.element.state;
}

/** The `<script>` tags the element injected into the page. */
const injected = (page: CspPage) => [...page.doc.querySelectorAll<HTMLScriptElement>('script[data-managed-chatkit]')];

/** Ready with a secret, and a clean record: no error, no violation, no uncaught error or rejection. */
async function expectLoaded(page: CspPage, secret: RegExp | null = /^secret-start-\d+$/): Promise<void> {
  expect(await settled(page), page.element.error?.message ?? 'state').to.equal('ready');
  const held = (page.element.chatkit as unknown as ChatKitDouble).secret;
  if (secret) expect(held).to.match(secret);
  else expect(held, 'a custom backend needs no secret').to.equal(null);
  expect(page.record.elementErrors).to.deep.equal([]);
  expect(page.record.states).to.deep.equal([
    ['loading', 'idle'],
    ['ready', 'loading'],
  ]);
  expect(page.record.violations, 'CSP violations').to.deep.equal([]);
  expect(page.record.errors, 'uncaught errors').to.deep.equal([]);
  expect(page.record.rejections, 'unhandled rejections').to.deep.equal([]);
}

/** One error of this shape in the page's record, shown in the element's alert; nothing uncaught. */
async function expectBlocked(page: CspPage, expected: { retryable: boolean; mentions: string[] }): Promise<ManagedChatKitErrorDetail> {
  expect(await settled(page)).to.equal('error');
  expect(page.record.elementErrors).to.have.length(1);
  const [detail] = page.record.elementErrors;
  expect({ phase: detail.phase, retryable: detail.retryable, hasStatus: 'status' in detail }).to.deep.equal({ phase: 'script', retryable: expected.retryable, hasStatus: false });
  for (const part of expected.mentions) expect(detail.message).to.include(part);
  expect(page.record.states).to.deep.equal([
    ['loading', 'idle'],
    ['error', 'loading'],
  ]);
  await page.element.updateComplete;
  const view = page.element.shadowRoot!.querySelector('[part="error"]');
  expect(view?.getAttribute('role')).to.equal('alert');
  expect(view?.textContent).to.include(detail.message);
  expect(injected(page), 'no tag left behind').to.deep.equal([]);
  expect(page.record.errors, 'uncaught errors').to.deep.equal([]);
  expect(page.record.rejections, 'unhandled rejections').to.deep.equal([]);
  return detail;
}

describe('<managed-chatkit> under a Content-Security-Policy', () => {
  afterEach(() => frames.splice(0).forEach((frame) => frame.remove()));

  describe("script-src 'nonce-…' 'strict-dynamic'", () => {
    it('with the nonce attribute: loads ChatKit with that nonce on the tag and reaches ready', async () => {
      const page = await openCspPage('strict-dynamic', { nonceAttr: '1' });
      await expectLoaded(page);
      expect(page.nonce).to.be.a('string').and.not.equal('');
      expect(page.element.nonce, 'the nonce IDL property').to.equal(page.nonce);
      expect(page.element.getAttribute('nonce'), 'browsers hide the attribute once connected').to.equal('');
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, page.nonce]]);
    });

    it("without the attribute: inherits the nonce of the page's own script and reaches ready", async () => {
      const page = await openCspPage('strict-dynamic');
      await expectLoaded(page);
      expect(page.element.hasAttribute('nonce')).to.equal(false);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, page.nonce]]);
    });

    it("with no nonce anywhere (the module inserted by a hashed inline script): 'strict-dynamic' trusts the element's tag, ready", async () => {
      const page = await openCspPage('hash-strict-dynamic');
      expect(page.nonce).to.equal(undefined);
      await expectLoaded(page);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, '']]);
    });
  });

  describe("script-src 'nonce-…' without 'strict-dynamic' (the nonce is what lets the tag in)", () => {
    it("the built two-stage module: its second stage is imported with the page's nonce; inherits the nonce and reaches ready", async () => {
      const page = await openCspPage('nonce-only', { module: 'built' });
      await expectLoaded(page);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, page.nonce]]);
    });

    it("the one-file classic build inherits the page's nonce and reaches ready", async () => {
      const page = await openCspPage('nonce-only', { module: 'classic' });
      await expectLoaded(page);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, page.nonce]]);
    });

    it('a stale nonce attribute is blocked: a script error naming the CSP and the nonce; the right nonce and retry() recover', async () => {
      const page = await openCspPage('nonce-only', { nonce: 'stale-nonce', module: 'built' });
      const detail = await expectBlocked(page, { retryable: false, mentions: ['Content-Security-Policy', page.scriptHref, 'nonce attribute'] });
      expect(detail.message).to.not.include('did not load within'); // a CSP block is reported at once, not as a timeout
      expect(page.record.violations.map((v) => [v.directive, v.blockedURI])).to.deep.equal([['script-src-elem', page.scriptHref]]);

      page.element.setAttribute('nonce', page.nonce!);
      page.element.retry();
      await until(() => page.element.state === 'ready', 'ready after the nonce is fixed');
      expect(injected(page).map((script) => script.nonce)).to.deep.equal([page.nonce]);
      expect(page.record.elementErrors).to.have.length(1);
    });
  });

  describe('script-src allowlist', () => {
    it("'self' plus ChatKit's origin (also allowed by the page's <meta>), no nonce anywhere: loads ChatKit from that origin and reaches ready", async () => {
      const origin = `http://127.0.0.1:${location.port}`;
      const page = await openCspPage('allowlist', { script: `${origin}${doubleSrc()}`, allow: origin, scriptMeta: origin });
      expect(page.nonce).to.equal(undefined);
      await expectLoaded(page);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, '']]);
    });
  });

  describe('the policy docs/csp.md recommends', () => {
    it("default-src 'none' with nonce + 'strict-dynamic', connect-src 'self' and enforced Trusted Types: ready, nothing reported", async () => {
      const page = await openCspPage('recommended');
      await expectLoaded(page);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, page.nonce]]);
    });
  });

  describe('your own ChatKit server (api-url) under the recommended policy', () => {
    it("connect-src 'self' covers a same-origin api-url; the streamed conversation renders under enforced Trusted Types", async () => {
      const server = chatkitServer('csp');
      const page = await openCspPage('recommended', { api: server.url, domainKey: 'k' });
      await expectLoaded(page, null);
      await page.element.sendUserMessage({ text: 'under CSP' });
      const double = page.element.chatkit as unknown as ChatKitDouble;
      expect(double.transcript()).to.deep.equal([
        ['user_message', 'under CSP'],
        ['assistant_message', 'You said: under CSP'],
      ]);
      expect(page.record.violations).to.deep.equal([]);
      expect(page.record.elementErrors).to.deep.equal([]);
    });
  });

  describe("script-src 'self' with ChatKit on another origin and no nonce available", () => {
    it('is a clear script error naming the Content-Security-Policy, the nonce and the origin — not a silent hang', async () => {
      const crossOrigin = `http://127.0.0.1:${location.port}${doubleSrc()}`;
      // The page allows the origin for the element (<meta> in <head>), but its CSP does not.
      const page = await openCspPage('self-only', { script: crossOrigin, timeout: '5000', scriptMeta: `http://127.0.0.1:${location.port}` });
      expect(page.nonce).to.equal(undefined);
      const started = performance.now();
      const detail = await expectBlocked(page, {
        retryable: false,
        mentions: ['Content-Security-Policy', crossOrigin, 'nonce', `allow http://127.0.0.1:${location.port} in script-src`],
      });
      expect(performance.now() - started, 'reported well before the 5000 ms timeout').to.be.below(4000);
      expect(detail.message).to.not.include('did not load within');
      expect(page.record.violations.map((v) => [v.directive, v.blockedURI])).to.deep.equal([['script-src-elem', crossOrigin]]);
    });
  });

  describe('Trusted Types', () => {
    it("require-trusted-types-for 'script' with trusted-types managed-chatkit lit-html: loads and reaches ready", async () => {
      const page = await openCspPage('trusted-types');
      await expectLoaded(page);
      // Enforcement is real on this page: a plain string into a script URL sink throws.
      expect(() => {
        page.doc.createElement('script').src = '/anything.js';
      }).to.throw(/TrustedScriptURL/);
    });

    it('the same page with the self-registering bundle (dist/managed-chatkit.bundle.js, built by npm run build) reaches ready', async () => {
      const page = await openCspPage('trusted-types', { module: 'bundle' });
      await expectLoaded(page);
      expect(injected(page).map((script) => [script.src, script.nonce])).to.deep.equal([[page.scriptHref, page.nonce]]);
    });

    it('trusted-types without managed-chatkit: a visible script error naming the policy to add, no page crash', async () => {
      const page = await openCspPage('trusted-types-without-managed-chatkit');
      await expectBlocked(page, { retryable: false, mentions: ['Trusted Types', 'trusted-types', 'managed-chatkit', page.scriptHref] });
      // What the site's CSP reports show: the refused policy, then the refused string assignment.
      expect(page.record.violations.map((v) => [v.directive, v.sample])).to.deep.equal([
        ['trusted-types', 'managed-chatkit'],
        ['require-trusted-types-for', `HTMLScriptElement src|${page.scriptHref.slice(0, 40)}`], // sink|first 40 characters
      ]);
    });

    it('trusted-types listing only managed-chatkit: the element needs no other policy (it builds its DOM without templates) and reaches ready', async () => {
      const page = await openCspPage('trusted-types-only-managed-chatkit');
      await expectLoaded(page);
    });
  });
});
