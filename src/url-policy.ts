/**
 * Which origins `<managed-chatkit>` may load its script from (`script`) and send ChatKit's requests to (`connect`:
 * `api-url`, `upload-url`).
 *
 * Attributes are not trusted for this: CMS sanitizers allow `<managed-chatkit>` and its attributes, so markup injected
 * into a page could otherwise load any script carrying the page's CSP nonce (a script gadget), or point the chat at
 * another server. Allowed are ChatKit's CDN (script only) and the page's own origin; any other origin only when the page
 * itself allows it — from JavaScript (`ManagedChatKit.allowedScriptOrigins` / `allowedConnectOrigins`) or from a
 * `<meta>` in `<head>`, which markup in the body cannot place (the HTML parser keeps a `<meta>` in the body where it is).
 * No localhost exception: what passes on a developer's machine is what passes in production.
 */
import { ManagedChatKitError } from './errors.js';
import { configuredOrigins, PROPERTY, toOrigin, type UrlKind } from './allowed-origins.js';
import { CHATKIT_CDN_ORIGIN, pageNonce, setScriptUrlCheck } from './script-tag.js';
import { scriptSrcName } from './url-check.js';

export { CHATKIT_CDN_ORIGIN };

export { getAllowedOrigins, setAllowedOrigins, type UrlKind } from './allowed-origins.js';



/** `<meta name>` in `<head>` listing extra origins (space-separated), per kind. */
export const ALLOWLIST_META = { script: 'managed-chatkit-script-src', connect: 'managed-chatkit-connect-src' } as const;

/**
 * Resolves `value` against the document (`base`) and returns it when its origin is allowed for `kind` on a page of
 * origin (or URL) `page`; otherwise throws a `config` error (not retryable) that names `name` (e.g. `script-src="…"`)
 * and how to allow the origin.
 */
export function checkUrl(kind: UrlKind, value: string, name: string, page: string = self.origin ?? location.href, base: string = document.baseURI): URL {
  let url: URL | undefined;
  try {
    url = new URL(value, base);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw refusal(
      kind === 'script'
        ? `${name} is not allowed: only http(s) URLs are loaded. Leave script-src out to load ChatKit from ${CHATKIT_CDN_ORIGIN}.`
        : `${name} is not an http(s) URL: give your ChatKit server's, e.g. "/api/chatkit".`,
    );
  }
  // `self.origin`, not `location`: an about:blank or document.write frame has its creator's origin.
  let pageOrigin = page; // an opaque origin ("null") matches nothing
  try {
    pageOrigin = new URL(page).origin;
  } catch {
    // stays as given
  }
  if (url.origin === pageOrigin || (kind === 'script' && url.origin === CHATKIT_CDN_ORIGIN) || allowedOrigins(kind).includes(url.origin)) return url;
  const what = kind === 'script' ? `ChatKit's script loads only from ${CHATKIT_CDN_ORIGIN}, this page's origin (${pageOrigin})` : `ChatKit's requests go only to this page's origin (${pageOrigin})`;
  throw refusal(
    `${name} is not allowed: ${what} or an origin the page allows from its own code — an attribute alone could come from injected markup. ` +
      `If ${url.origin} is yours, add ManagedChatKit.${PROPERTY[kind]} = ['${url.origin}'] to your script, or <meta name="${ALLOWLIST_META[kind]}" content="${url.origin}"> to <head>.`,
  );
}

/**
 * Resolves `src` against the document and checks it against the URL policy: ChatKit's CDN, the page's own origin, or
 * an origin the page allows from its own code (`ManagedChatKit.allowedScriptOrigins` or
 * `<meta name="managed-chatkit-script-src">` in `<head>`). Anything else — another origin named only by the attribute,
 * `javascript:`, `data:` — is a `config` error, and such a URL is never inserted nor given the nonce.
 */
export function resolveScriptUrl(src: string, base: string = document.baseURI, page: string = self.origin ?? location.href): URL {
  return checkUrl('script', src, scriptSrcName(src), page, base);
}

/** Whether `href` may be loaded as ChatKit's script on this page (the Trusted Types policy's check). */
export function isAllowedScriptUrl(href: string): boolean {
  try {
    return checkUrl('script', href, 'script-src').href === href;
  } catch {
    return false;
  }
}

/**
 * The extra origins for `kind`: the JavaScript list when set, else the `<meta>` elements in `<head>`. On a page whose
 * scripts carry a CSP nonce, a `<meta>` counts only with that nonce too — so not even a `<meta>` that a framework hoists
 * from rendered content into `<head>` (React 19 does) can widen the list.
 */
function allowedOrigins(kind: UrlKind): readonly string[] {
  const list = configuredOrigins[kind];
  if (list) return list;
  const nonce = pageNonce();
  const origins: string[] = [];
  for (const meta of document.head?.querySelectorAll<HTMLMetaElement>(`meta[name="${ALLOWLIST_META[kind]}"]`) ?? []) {
    if (nonce && meta.nonce !== nonce) continue;
    for (const entry of meta.content.split(/\s+/).filter(Boolean)) origins.push(toOrigin(entry, `<meta name="${ALLOWLIST_META[kind]}">`, refusal));
  }
  return origins;
}

function refusal(message: string): ManagedChatKitError {
  return new ManagedChatKitError('config', message, { retryable: false });
}

// From now on the script tag's check and the Trusted Types policy apply the whole policy, `<meta>` allowlist included.
setScriptUrlCheck(isAllowedScriptUrl);
