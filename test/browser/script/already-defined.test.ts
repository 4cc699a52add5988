import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { doubleSrc, mount, requestsFor, scenario, untilState } from '../helpers.js';

describe('a page where <openai-chatkit> is already defined', () => {
  it('injects nothing and makes no script request', async () => {
    // The page loaded ChatKit its own way (here: the double from another URL).
    const own = Object.assign(document.createElement('script'), { src: doubleSrc({ own: '1' }) });
    document.head.append(own);
    await customElements.whenDefined('openai-chatkit');
    const s = scenario('defined');
    const element = mount({ 'script-src': doubleSrc({ mine: '1' }), 'start-url': s.startUrl });
    await untilState(element, 'ready');
    expect(requestsFor('mine=1')).to.equal(0);
    expect(document.querySelectorAll('script[src*="mine=1"]').length).to.equal(0);
  });
});
