import { describe, expect, it } from 'vitest';
import { CHATKIT_EVENTS, dashedName } from '../../src/chatkit-events.js';
import { forwardChatKitEvent } from '../../src/forward-event.js';

describe('ChatKit event forwarding', () => {
  it('names the dashed twin of every ChatKit event', () => {
    expect(dashedName('chatkit.thread.load.start')).toBe('chatkit-thread-load-start');
    expect(CHATKIT_EVENTS.map(dashedName)).toContain('chatkit-ready');
  });

  it('re-fires a non-composed event under both names, bubbling and composed, with the same detail', () => {
    const host = document.createElement('div');
    const seen: Array<[string, unknown, boolean, boolean]> = [];
    for (const name of ['chatkit.thread.change', 'chatkit-thread-change']) {
      host.addEventListener(name, (event) => seen.push([event.type, (event as CustomEvent).detail, event.bubbles, event.composed]));
    }
    const detail = { threadId: 'thr_1' };
    forwardChatKitEvent(host, new CustomEvent('chatkit.thread.change', { detail }));
    expect(seen).toEqual([
      ['chatkit.thread.change', detail, true, true],
      ['chatkit-thread-change', detail, true, true],
    ]);
  });

  it('re-fires only the dashed twin of an event that is already composed', () => {
    const host = document.createElement('div');
    const seen: string[] = [];
    host.addEventListener('chatkit.ready', () => seen.push('dotted'));
    host.addEventListener('chatkit-ready', () => seen.push('dashed'));
    forwardChatKitEvent(host, new CustomEvent('chatkit.ready', { bubbles: true, composed: true }));
    expect(seen).toEqual(['dashed']);
  });
});
