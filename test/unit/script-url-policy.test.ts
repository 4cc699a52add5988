import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT_SRC, resolveScriptUrl } from '../../src/script-loader.js';

const page = 'https://shop.example/products/1';

describe('script-src URL policy', () => {
  it.each([
    [DEFAULT_SCRIPT_SRC, DEFAULT_SCRIPT_SRC],
    ['/vendor/chatkit.js', 'https://shop.example/vendor/chatkit.js'],
    ['//cdn.example/chatkit.js', 'https://cdn.example/chatkit.js'],
    ['http://localhost:5173/chatkit.js', 'http://localhost:5173/chatkit.js'],
    ['http://127.0.0.1:8080/chatkit.js', 'http://127.0.0.1:8080/chatkit.js'],
    ['http://[::1]:8080/chatkit.js', 'http://[::1]:8080/chatkit.js'],
  ])('accepts %s', (src, href) => {
    expect(resolveScriptUrl(src, page).href).toBe(href);
  });

  it('accepts plain http on the page’s own origin', () => {
    expect(resolveScriptUrl('/chatkit.js', 'http://intranet.local/').href).toBe('http://intranet.local/chatkit.js');
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/javascript,alert(1)'],
    ['http://cdn.example/chatkit.js'],
    ['blob:https://shop.example/1234'],
    ['ftp://cdn.example/chatkit.js'],
  ])('refuses %s with a config error naming script-src', (src) => {
    expect(() => resolveScriptUrl(src, page)).toThrowError(/script-src ".*" is not allowed: only https: URLs, same-origin URLs or http:\/\/localhost/);
    try {
      resolveScriptUrl(src, page);
    } catch (error) {
      expect(error).toMatchObject({ phase: 'config', retryable: false });
    }
  });
});
