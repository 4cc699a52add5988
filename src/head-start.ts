import { inTurboPreview } from './in-turbo-preview.js';
import { CHATKIT_TAG, DEFAULT_SCRIPT_SRC, isPlainlyAllowed, pageNonce, startScriptTag, trustedTypesRefused } from './script-tag.js';
import { sendSessionRequest, sessionConfigOf, type SessionRequest } from './session-request.js';
import type { ManagedChatKit } from './managed-chatkit.js';

/** What the first stage started for an element while the rest of its code was still on its way. */
export interface HeadStart {
  /** Hosted mode: the start request, adopted by the session client (or aborted). */
  session?: SessionRequest;
}

/**
 * Starts, as the element connects, the requests its configuration plainly asks for: ChatKit's script from the CDN, the
 * session's start request (hosted mode). Anything unusual —
 * a launcher or lazy element not yet wanted, a Turbo preview, a `script-src` on an origin only a `<meta>` allows (or
 * none), options that are not valid JSON, an invalid setting — starts nothing here: the full element checks it and
 * reports what is wrong, before any request leaves.
 */
export function headStart(element: ManagedChatKit): HeadStart | undefined {
  const { timeout, loading, options } = element;
  if ((element.launcher && !element.open) || loading !== 'eager' || inTurboPreview()) return;
  // (An invalid `credentials` makes fetch refuse before anything is sent.)
  if (!(timeout > 0 && timeout < Infinity)) return;
  let script: URL;
  try {
    script = new URL(element.scriptSrc || DEFAULT_SCRIPT_SRC, document.baseURI);
    if (!isPlainlyAllowed(script, 'script')) return;
  } catch {
    return;
  }
  // Your own ChatKit server, from attributes only, on an origin plainly allowed: its `api` then comes from them.
  const custom = !!(element.apiUrl || element.domainKey || element.uploadUrl);
  if (options?.api || (custom && (!element.apiUrl || !element.domainKey || element.startUrl || element.refreshUrl || element.workflowId))) return;
  for (const text of [element.getAttribute('options'), element.querySelector(':scope > script[type="application/json"]')?.textContent]) {
    if (text == null) continue;
    try {
      if ('api' in Object(JSON.parse(text))) return;
    } catch {
      return;
    }
  }
  let api: URL | undefined;
  try {
    api = custom ? new URL(element.apiUrl!, document.baseURI) : undefined;
    const upload = element.uploadUrl && new URL(element.uploadUrl, document.baseURI);
    if ((api && !isPlainlyAllowed(api, 'connect')) || (upload && !isPlainlyAllowed(upload, 'connect'))) return;
  } catch {
    return;
  }
  // The session request first: when both answers come in together, the secret is then read before the script's
  // evaluation (and the layout and load event it brings) holds the page's thread, and ChatKit finds it waiting.
  const early: HeadStart = api ? {} : { session: sendSessionRequest(sessionConfigOf(element), null) };
  // Enforced Trusted Types without our policy: the full element reports it.
  if (!customElements.get(CHATKIT_TAG) && !trustedTypesRefused()) startScriptTag(script.href, element.nonce || pageNonce());
  // Custom mode: the rest of the element preconnects to api-url (cross-origin only), a moment later.
  return early;
}
