import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { cleanup, doubleSrc, errorsOf, innerDouble, mount, requestsFor, scenario, untilState, until, doubles } from './helpers.js';

const SCRIPT = doubleSrc({}, 50);

describe('<managed-chatkit> against the ChatKit double', () => {
  afterEach(cleanup);

  it('loads ChatKit once for three elements and gets each a secret from start-url', async () => {
    const s = scenario('three');
    const elements = [1, 2, 3].map(() => mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'refresh-url': s.refreshUrl }));
    await Promise.all(elements.map((element) => untilState(element, 'ready')));
    expect(document.querySelectorAll(`script[src$="${SCRIPT}"]`).length).to.equal(1);
    expect(requestsFor('chatkit-double.js')).to.equal(1);
    expect(doubles()!.evaluations).to.equal(1);
    for (const element of elements) expect(innerDouble(element)!.secret).to.match(/^secret-start-/);
    const log = await s.log();
    expect(log.map((entry) => entry.kind)).to.deep.equal(['start', 'start', 'start']);
  });
});
