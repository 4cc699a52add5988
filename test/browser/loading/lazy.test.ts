import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { doubleSrc, mount, requestsFor, scenario, sleep, untilState } from '../helpers.js';

describe('loading="lazy"', () => {
  it('fetches nothing until the element nears the viewport, then loads normally', async () => {
    const s = scenario('lazy');
    const spacer = Object.assign(document.createElement('div'), { style: 'height: 5000px' });
    document.body.append(spacer);
    const script = doubleSrc({ lazy: '1' });
    const element = mount({ 'script-src': script, 'start-url': s.startUrl, loading: 'lazy' });
    await sleep(400);
    expect(element.state).to.equal('idle');
    expect(requestsFor('lazy=1')).to.equal(0);
    expect(document.querySelectorAll('script[src*="lazy=1"]').length).to.equal(0);
    expect(await s.log()).to.deep.equal([]);
    element.scrollIntoView();
    await untilState(element, 'ready');
    expect(requestsFor('lazy=1')).to.equal(1);
    expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']);
    spacer.remove();
    element.remove();
  });
});
