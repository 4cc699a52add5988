import { describe, expect, it, vi } from 'vitest';
import { deepEqual, StableOptions } from '../../src/options-equality.js';
import { nearestSupportedLocale } from '../../src/locale.js';

describe('StableOptions', () => {
  it('returns null for a set equal in content, a copy with stable wrappers otherwise', () => {
    const stable = new StableOptions();
    const first = stable.next({ a: { b: [1, 2] }, on: () => 1 });
    expect(first).not.toBeNull();
    expect(stable.next({ a: { b: [1, 2] }, on: () => 2 })).toBeNull();
    expect(stable.next({ a: { b: [1, 3] }, on: () => 3 })).not.toBeNull();
  });

  it('a wrapper calls the newest function at its path, with its arguments and this', () => {
    const stable = new StableOptions();
    const sent = stable.next({ tool: vi.fn(() => 'old') })!;
    const newest = vi.fn(function (this: unknown, x: number) {
      return x * 2;
    });
    stable.next({ tool: newest });
    expect((sent.tool as unknown as (x: number) => number)(21)).toBe(42);
    expect(newest).toHaveBeenCalledWith(21);
  });

  it('keeps api as it is and resets for a fresh ChatKit', () => {
    const stable = new StableOptions();
    const fetch = () => 0;
    expect(stable.next({ api: { fetch } })!.api.fetch).toBe(fetch);
    stable.reset();
    expect(stable.next({ api: { fetch } })).not.toBeNull();
  });
});

describe('deepEqual', () => {
  it('ignores undefined keys, compares arrays in order and other objects by identity', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual(new Date(0), new Date(0))).toBe(false);
  });
});

describe('nearestSupportedLocale', () => {
  it.each([
    ['de-AT', 'de'],
    ['de-DE', 'de-DE'],
    ['pt-br', 'pt-BR'],
    ['zh-Hant-TW', 'zh-Hant'],
    ['en_GB', 'en'],
    ['no', 'nb'],
    ['xx-YY', null],
  ])('%s → %s', (tag, expected) => {
    expect(nearestSupportedLocale(tag)).toBe(expected);
  });
});
