import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT_SRC } from '../../src/script-tag.js';
import { ALLOWLIST_META, checkUrl, isAllowedScriptUrl, resolveScriptUrl, setAllowedOrigins } from '../../src/url-policy.js';

const page = 'https://shop.example/products/1';
const script = (src: string) => resolveScriptUrl(src, page, page);
const connect = (url: string) => checkUrl('connect', url, `api-url="${url}"`, page, page);

/** The config error `run` throws (phase config, not retryable). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toMatchObject({ phase: 'config', retryable: false });
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

function addMeta(kind: keyof typeof ALLOWLIST_META, content: string, parent: Element = document.head, nonce?: string): HTMLMetaElement {
  const meta = document.createElement('meta');
  meta.name = ALLOWLIST_META[kind];
  meta.content = content;
  if (nonce) meta.nonce = nonce;
  parent.append(meta);
  return meta;
}

afterEach(() => {
  setAllowedOrigins('script', null);
  setAllowedOrigins('connect', null);
  document.querySelectorAll('meta, script').forEach((node) => node.remove());
});

describe('script-src URL policy', () => {
  it.each([
    [DEFAULT_SCRIPT_SRC, DEFAULT_SCRIPT_SRC],
    ['https://cdn.platform.openai.com/deployments/chatkit/v2/chatkit.js', 'https://cdn.platform.openai.com/deployments/chatkit/v2/chatkit.js'],
    ['/vendor/chatkit.js', 'https://shop.example/vendor/chatkit.js'],
    ['https://shop.example/chatkit.js', 'https://shop.example/chatkit.js'],
  ])('accepts %s by default (ChatKit’s CDN, the page’s origin)', (src, href) => {
    expect(script(src).href).toBe(href);
  });

  it('accepts plain http on the page’s own origin', () => {
    expect(resolveScriptUrl('/chatkit.js', 'http://intranet.local/', 'http://intranet.local/').href).toBe('http://intranet.local/chatkit.js');
  });

  it.each([
    ['https://evil.test/x.js'],
    ['//cdn.example/chatkit.js'],
    ['https://cdn.platform.openai.com.evil.test/chatkit.js'],
    ['http://cdn.platform.openai.com/deployments/chatkit/chatkit.js'],
    ['https://shop.example:8443/chatkit.js'],
    ['http://localhost:5173/chatkit.js'],
    ['http://127.0.0.1:8080/chatkit.js'],
  ])('refuses another origin named by the attribute alone: %s, naming the JS and the <meta> fix', (src) => {
    const origin = new URL(src, page).origin;
    const message = refusal(() => script(src));
    expect(message).toContain(`script-src "${src}" is not allowed`);
    expect(message).toContain(`ManagedChatKit.allowedScriptOrigins = ['${origin}']`);
    expect(message).toContain(`<meta name="managed-chatkit-script-src" content="${origin}"> to <head>`);
    expect(isAllowedScriptUrl(new URL(src, page).href)).toBe(false);
  });

  it.each([['javascript:alert(1)'], ['data:text/javascript,alert(1)'], ['blob:https://shop.example/1234'], ['ftp://cdn.example/chatkit.js']])(
    'refuses %s whatever the allowlist says',
    (src) => {
      setAllowedOrigins('script', ['https://shop.example']);
      expect(refusal(() => script(src))).toMatch(/script-src ".*" is not allowed: only http\(s\) URLs are loaded/);
    },
  );

  it('accepts an origin allowed from JavaScript, and only that origin', () => {
    setAllowedOrigins('script', ['https://chatkit.example.com', 'http://localhost:5173/']);
    expect(script('https://chatkit.example.com/v1/chatkit.js').href).toBe('https://chatkit.example.com/v1/chatkit.js');
    expect(script('http://localhost:5173/chatkit.js').href).toBe('http://localhost:5173/chatkit.js');
    refusal(() => script('https://other.example.com/chatkit.js'));
    refusal(() => script('https://chatkit.example.com:444/chatkit.js'));
  });

  it('refuses a JavaScript entry that is not an origin with a TypeError naming it', () => {
    for (const entry of ['https://chatkit.example.com/js/', '*.example.com', 'chatkit.example.com', 'javascript:alert(1)', 'https://u:p@chatkit.example.com']) {
      expect(() => setAllowedOrigins('script', [entry])).toThrowError(TypeError);
      expect(() => setAllowedOrigins('script', [entry])).toThrowError(`"${entry}" is not an origin`);
    }
  });

  it('reads <meta name="managed-chatkit-script-src"> in <head> (space-separated origins)', () => {
    addMeta('script', 'https://a.example  https://chatkit.example.com');
    expect(script('https://chatkit.example.com/chatkit.js').origin).toBe('https://chatkit.example.com');
    refusal(() => script('https://b.example/chatkit.js'));
  });

  it('ignores the <meta> anywhere but <head>: injected body markup cannot allow an origin', () => {
    addMeta('script', 'https://evil.test', document.body);
    refusal(() => script('https://evil.test/x.js'));
  });

  it('on a page whose scripts carry a nonce, counts only a <meta> with that nonce', () => {
    const own = document.createElement('script');
    own.nonce = 'n0nce';
    document.head.append(own);
    addMeta('script', 'https://evil.test');
    refusal(() => script('https://evil.test/x.js'));
    addMeta('script', 'https://chatkit.example.com', document.head, 'n0nce');
    expect(script('https://chatkit.example.com/chatkit.js').origin).toBe('https://chatkit.example.com');
  });

  it('a list set from JavaScript replaces the <meta>; null reads the <meta> again', () => {
    addMeta('script', 'https://chatkit.example.com');
    setAllowedOrigins('script', []);
    refusal(() => script('https://chatkit.example.com/chatkit.js'));
    setAllowedOrigins('script', null);
    expect(script('https://chatkit.example.com/chatkit.js').origin).toBe('https://chatkit.example.com');
  });

  it('a malformed <meta> entry is a config error naming the meta', () => {
    addMeta('script', 'https://chatkit.example.com/path/');
    expect(refusal(() => script('https://other.example/x.js'))).toContain('<meta name="managed-chatkit-script-src">: "https://chatkit.example.com/path/" is not an origin');
  });
});

describe('api-url / upload-url URL policy', () => {
  it('accepts the page’s origin, relative or absolute', () => {
    expect(connect('/api/chatkit').href).toBe('https://shop.example/api/chatkit');
    expect(connect('https://shop.example/api/chatkit').href).toBe('https://shop.example/api/chatkit');
  });

  it('refuses another origin — ChatKit’s CDN included — naming the JS and the <meta> fix', () => {
    for (const url of ['https://evil.test/chatkit', 'https://api.shop.example/chatkit', 'https://cdn.platform.openai.com/x']) {
      const origin = new URL(url).origin;
      const message = refusal(() => connect(url));
      expect(message).toContain(`api-url="${url}" is not allowed`);
      expect(message).toContain(`ManagedChatKit.allowedConnectOrigins = ['${origin}']`);
      expect(message).toContain(`<meta name="managed-chatkit-connect-src" content="${origin}">`);
    }
  });

  it('accepts an origin allowed from JavaScript or the <meta>; the two lists are separate', () => {
    setAllowedOrigins('script', ['https://api.shop.example']);
    refusal(() => connect('https://api.shop.example/chatkit'));
    setAllowedOrigins('connect', ['https://api.shop.example']);
    expect(connect('https://api.shop.example/chatkit').origin).toBe('https://api.shop.example');
    setAllowedOrigins('connect', null);
    addMeta('connect', 'https://files.shop.example');
    expect(connect('https://files.shop.example/upload').origin).toBe('https://files.shop.example');
  });

  it('takes the page origin as given (self.origin); an opaque origin ("null") is matched by nothing', () => {
    expect(checkUrl('connect', '/api', 'api-url="/api"', 'https://shop.example', page).href).toBe('https://shop.example/api');
    expect(refusal(() => checkUrl('connect', '/api', 'api-url="/api"', 'null', page))).toContain("this page's origin (null)");
  });

  it('refuses a URL that is not http(s)', () => {
    expect(refusal(() => connect('javascript:alert(1)'))).toContain('is not an http(s) URL');
  });
});
