import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadStore } from '../../src/thread-store.js';

describe('ThreadStore', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('derives the key from the start URL, or uses the attribute value', () => {
    expect(ThreadStore.keyFor('', '/api/chatkit/start')).toBe(`managed-chatkit:thread:${new URL('/api/chatkit/start', document.baseURI).href}`);
    expect(ThreadStore.keyFor('true', '/x')).toMatch(/^managed-chatkit:thread:/);
    expect(ThreadStore.keyFor('support-chat', '/x')).toBe('support-chat');
  });

  it('round-trips a thread id and forgets it on null', () => {
    const store = new ThreadStore('k');
    store.write('thr_1');
    expect(new ThreadStore('k').read()).toBe('thr_1');
    store.write(null);
    expect(store.read()).toBeNull();
  });

  it('ignores storage whose methods throw (quota, private mode)', () => {
    const fail = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    vi.stubGlobal('localStorage', { getItem: fail, setItem: fail, removeItem: fail });
    const store = new ThreadStore('k');
    expect(() => store.write('thr_1')).not.toThrow();
    expect(() => store.write(null)).not.toThrow();
    expect(store.read()).toBeNull();
  });

  it('ignores storage that cannot even be reached (sandboxed frames)', () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    try {
      const store = new ThreadStore('k');
      expect(() => store.write('thr_1')).not.toThrow();
      expect(store.read()).toBeNull();
    } finally {
      if (original) Object.defineProperty(globalThis, 'localStorage', original);
    }
  });
});
