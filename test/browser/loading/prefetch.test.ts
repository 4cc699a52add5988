import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { doubleSrc, innerDouble, mount, scenario, untilState } from '../helpers.js';

describe('secret prefetch', () => {
  it('POSTs start-url while the script is still loading, and ChatKit’s first ask uses that answer', async () => {
    const s = scenario('prefetch');
    const script = doubleSrc({}, 400);
    const element = mount({ 'script-src': script, 'start-url': s.startUrl });
    await untilState(element, 'ready');
    const [session] = performance.getEntriesByName(new URL(s.startUrl, location.href).href);
    const [scriptEntry] = performance.getEntriesByName(new URL(script, location.href).href) as PerformanceResourceTiming[];
    expect(session.startTime).to.be.lessThan(scriptEntry.responseEnd - 300);
    expect((await s.log()).map((entry) => entry.kind)).to.deep.equal(['start']);
    expect(innerDouble(element)!.secretRequests).to.deep.equal([null]);
  });
});
