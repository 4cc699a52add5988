import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { ManagedChatKit } from '../../../src/index.js';
import { cleanup, doubleSrc, mount, requestsFor, scenario, sleep, untilState } from '../helpers.js';

/** A cross-origin script URL (127.0.0.1 vs the page's localhost), so warming up has an origin to preconnect to. */
const crossOriginScript = () => `http://127.0.0.1:${location.port}${doubleSrc({ launcher: '1' })}`;
const button = (element: ManagedChatKit) => element.shadowRoot!.querySelector<HTMLButtonElement>('[part="launcher"]')!;
const panel = (element: ManagedChatKit) => element.shadowRoot!.querySelector<HTMLElement>('[part="panel"]')!;
const preconnects = () => [...document.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].map((link) => link.href);

async function center(element: Element): Promise<[number, number]> {
  const rect = element.getBoundingClientRect();
  return [Math.round(rect.x + rect.width / 2), Math.round(rect.y + rect.height / 2)];
}

describe('launcher', () => {
  // The page's code allows the other origin (an attribute alone could not).
  before(() => (ManagedChatKit.allowedScriptOrigins = [`http://127.0.0.1:${location.port}`]));
  after(() => (ManagedChatKit.allowedScriptOrigins = null));
  afterEach(cleanup);

  it('fetches nothing while closed, warms up on hover, loads on first open', async () => {
    const s = scenario('launcher');
    const element = mount({ 'script-src': crossOriginScript(), 'start-url': s.startUrl, launcher: true });
    await element.updateComplete;
    await sleep(300);
    expect(element.state).to.equal('idle');
    expect(requestsFor('launcher=1')).to.equal(0);
    expect(await s.log()).to.deep.equal([]);
    expect(panel(element).hidden).to.equal(true);
    expect(button(element).getAttribute('aria-expanded')).to.equal('false');

    await sendMouse({ type: 'move', position: await center(button(element)) });
    await sleep(50);
    expect(preconnects()).to.include(`http://127.0.0.1:${location.port}/`);
    expect(requestsFor('launcher=1')).to.equal(0);

    await sendMouse({ type: 'click', position: await center(button(element)) });
    await untilState(element, 'ready');
    expect(element.open).to.equal(true);
    expect(element.hasAttribute('open')).to.equal(true);
    expect(panel(element).hidden).to.equal(false);
    expect(button(element).getAttribute('aria-expanded')).to.equal('true');
    expect(requestsFor('launcher=1')).to.equal(1);
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('opens with the keyboard, closes on Escape and gives focus back to the button', async () => {
    const s = scenario('launcher-keys');
    const element = mount({ 'script-src': crossOriginScript(), 'start-url': s.startUrl, launcher: true });
    await element.updateComplete;
    button(element).focus();
    await sendKeys({ press: 'Enter' });
    await untilState(element, 'ready');
    expect(element.open).to.equal(true);
    // Move focus into the panel, as a visitor tabbing into the chat would.
    const inside = element.chatkit!;
    inside.tabIndex = -1;
    inside.focus();
    expect(element.shadowRoot!.activeElement).to.equal(inside);
    await sendKeys({ press: 'Escape' });
    await element.updateComplete;
    expect(element.open).to.equal(false);
    expect(panel(element).hidden).to.equal(true);
    expect(element.shadowRoot!.activeElement).to.equal(button(element));
    expect(button(element).getAttribute('aria-expanded')).to.equal('false');
    // ChatKit stays loaded while closed: reopening needs no new request.
    element.show();
    await element.updateComplete;
    expect(element.state).to.equal('ready');
    expect((await s.log()).length).to.equal(1);
    element.toggle();
    expect(element.open).to.equal(false);
  });

  it('replaces the icon through the launcher slot and honours an initial open attribute', async () => {
    const s = scenario('launcher-open');
    const element = mount({ 'script-src': crossOriginScript(), 'start-url': s.startUrl, launcher: true, open: true }, document.body, '<span slot="launcher">Help</span>');
    await untilState(element, 'ready');
    const slot = element.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="launcher"]')!;
    expect(slot.assignedElements()[0].textContent).to.equal('Help');
    expect(panel(element).hidden).to.equal(false);
  });

  it('fills the screen below the mobile breakpoint', async () => {
    const s = scenario('launcher-mobile');
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 400px; height: 700px; border: 0';
    frame.src = `/test/fixtures/embed.html?launcher=&open=&start-url=${encodeURIComponent(s.startUrl)}&script-src=${encodeURIComponent(crossOriginScript())}`;
    document.body.append(frame);
    try {
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      let element: ManagedChatKit | null = null;
      for (let i = 0; i < 200 && element?.state !== 'ready'; i++) {
        element = frame.contentDocument!.querySelector('managed-chatkit');
        await sleep(20);
      }
      const rect = element!.shadowRoot!.querySelector('[part="panel"]')!.getBoundingClientRect();
      expect([rect.x, rect.y, rect.width, rect.height]).to.deep.equal([0, 0, 400, 700]);
    } finally {
      frame.remove();
    }
  });
});
