import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { doubleSrc, doubles, mount, requestsFor, scenario, untilState } from '../helpers.js';

describe('a page that already has the ChatKit script tag', () => {
  it('reuses the tag: no new script tag, one request in all', async () => {
    const src = doubleSrc({ existing: '1' }, 200);
    const tag = Object.assign(document.createElement('script'), { src });
    document.head.append(tag);
    const s = scenario('existing');
    const elements = [mount({ 'script-src': src, 'start-url': s.startUrl }), mount({ 'script-src': src, 'start-url': s.startUrl })];
    await Promise.all(elements.map((element) => untilState(element, 'ready')));
    expect(document.querySelectorAll('script[src*="existing=1"]').length).to.equal(1);
    expect(document.querySelector('script[data-managed-chatkit]')).to.equal(null);
    expect(requestsFor('existing=1')).to.equal(1);
    expect(doubles()!.evaluations).to.equal(1);
  });
});
