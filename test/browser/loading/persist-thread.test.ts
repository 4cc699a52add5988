import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { cleanup, doubleSrc, errorsOf, innerDouble, mount, scenario, untilState } from '../helpers.js';

const SCRIPT = doubleSrc();

describe('persist-thread', () => {
  afterEach(() => {
    cleanup();
    localStorage.clear();
  });

  it('remembers the active thread and reopens it on the next load', async () => {
    const s = scenario('persist');
    const first = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'persist-thread': true });
    await untilState(first, 'ready');
    expect(innerDouble(first)!.options.initialThread).to.equal(undefined);
    await first.setThreadId('thr_7');
    const key = `managed-chatkit:thread:${new URL(s.startUrl, location.href).href}`;
    expect(localStorage.getItem(key)).to.equal('thr_7');
    first.remove();

    const next = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'persist-thread': true });
    await untilState(next, 'ready');
    expect(innerDouble(next)!.options.initialThread).to.equal('thr_7');

    await next.setThreadId(null);
    expect(localStorage.getItem(key)).to.equal(null);
  });

  it('uses the attribute value as the storage key', async () => {
    const s = scenario('persist-key');
    const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'persist-thread': 'support' });
    await untilState(element, 'ready');
    await element.setThreadId('thr_support');
    expect(localStorage.getItem('support')).to.equal('thr_support');
  });

  it('survives a real reload of the page', async () => {
    const s = scenario('persist-reload');
    const frame = document.createElement('iframe');
    const page = `/test/fixtures/embed.html?start-url=${encodeURIComponent(s.startUrl)}&script-src=${encodeURIComponent(SCRIPT)}&persist-thread=reload`;
    frame.src = page;
    document.body.append(frame);
    const ready = () =>
      new Promise<any>((resolve) => {
        const poll = () => {
          const element = frame.contentDocument?.querySelector('managed-chatkit') as any;
          if (element?.state === 'ready') resolve(element);
          else setTimeout(poll, 20);
        };
        poll();
      });
    try {
      const before = await ready();
      await before.setThreadId('thr_reload');
      frame.contentWindow!.location.reload();
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      const after = await ready();
      expect(after.chatkit.options.initialThread).to.equal('thr_reload');
    } finally {
      frame.remove();
      localStorage.removeItem('reload');
    }
  });

  it('ignores storage that throws, and still works', async () => {
    const s = scenario('persist-throws');
    const { getItem, setItem, removeItem } = Storage.prototype;
    const fail = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    Object.assign(Storage.prototype, { getItem: fail, setItem: fail, removeItem: fail });
    try {
      const element = mount({ 'script-src': SCRIPT, 'start-url': s.startUrl, 'persist-thread': true });
      const errors = errorsOf(element);
      await untilState(element, 'ready');
      await element.setThreadId('thr_x');
      expect(errors).to.deep.equal([]);
      expect(element.state).to.equal('ready');
    } finally {
      Object.assign(Storage.prototype, { getItem, setItem, removeItem });
    }
  });
});
