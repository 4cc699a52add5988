import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { doubleSrc, mount, scenario, untilState } from '../helpers.js';

describe('CSP nonce inherited from the page', () => {
  it('uses the nonce of the page’s own scripts when the element has none', async () => {
    const pageScript = document.createElement('script');
    pageScript.nonce = 'page-nonce-1';
    pageScript.textContent = '/* the page’s own inline script */';
    document.head.append(pageScript);
    const s = scenario('page-nonce');
    const element = mount({ 'script-src': doubleSrc({ pagenonce: '1' }), 'start-url': s.startUrl });
    await untilState(element, 'ready');
    expect(document.querySelector<HTMLScriptElement>('script[src*="pagenonce=1"]')!.nonce).to.equal('page-nonce-1');
  });
});
