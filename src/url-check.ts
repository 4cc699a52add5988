import { need, loaded } from './on-demand.js';
import { isPlainlyAllowed } from './script-tag.js';
import type { UrlKind } from './allowed-origins.js';

/**
 * `value` resolved against the document, when the URL policy allows it for `kind`; otherwise a `config` error naming
 * `name` and the fix. A URL plainly allowed (the page's origin, ChatKit's CDN, an origin the page's code allowed) needs
 * nothing more; anything else needs the URL policy's chunk (src/url-policy.ts), which reads the `<meta>` allowlist and
 * words the refusal: throws `NeedsChunks` until it is fetched.
 */
export function checkUrl(kind: UrlKind, value: string, name: string): URL {
  try {
    const url = new URL(value, document.baseURI);
    if (isPlainlyAllowed(url, kind)) return url;
  } catch {
    // not a URL: the policy says so
  }
  need('urlPolicy');
  return loaded.urlPolicy!.checkUrl(kind, value, name);
}

/** How messages name a `script-src` value. */
export function scriptSrcName(src: string): string {
  return `script-src "${src.length > 80 ? `${src.slice(0, 80)}…` : src}"`;
}
