import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { doubleSrc, mount, scenario, untilState } from '../helpers.js';

describe('CSP nonce on the injected tag', () => {
  it('puts the nonce attribute’s value on the script it injects', async () => {
    const s = scenario('nonce');
    const element = mount({ 'script-src': doubleSrc({ nonce: '1' }), 'start-url': s.startUrl, nonce: 'abc123' });
    await untilState(element, 'ready');
    const tag = document.querySelector<HTMLScriptElement>('script[src*="nonce=1"]')!;
    expect(tag.nonce).to.equal('abc123');
    expect(tag.async).to.equal(true);
  });
});
