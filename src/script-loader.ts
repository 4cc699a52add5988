import { ManagedChatKitError } from './errors.js';
import { CHATKIT_TAG, scriptTags, startScriptTag, TRUSTED_TYPES_POLICY, type ScriptFailure, type ScriptTag } from './script-tag.js';

export { CHATKIT_TAG, DEFAULT_SCRIPT_SRC, pageNonce, TRUSTED_TYPES_POLICY } from './script-tag.js';
export { preconnect } from './preconnect.js';
export { trustedScriptUrl } from './script-tag.js';

export interface LoadOptions {
  /** CSP nonce for the injected tag. */
  nonce?: string;
  /** ms allowed for the script to define `<openai-chatkit>`. */
  timeout: number;
  /** Aborting stops waiting (the shared script keeps loading for other elements). */
  signal?: AbortSignal;
}

/**
 * Loads ChatKit from `url` at most once per document and resolves once `<openai-chatkit>` is defined. Reuses a
 * `<script>` with the same `src` already on the page (the element's first stage may have added it a moment ago), and
 * injects nothing when the element is already defined. Rejects with a `script` error on the tag's `error` event, a CSP
 * block, an exception while the script evaluates, or when `timeout` ms pass without a definition; after a failure the
 * tag is removed so the next call starts fresh.
 */
export function loadChatKit(url: URL, { nonce, timeout, signal }: LoadOptions): Promise<void> {
  if (customElements.get(CHATKIT_TAG)) return Promise.resolve();
  let tag: ScriptTag;
  try {
    tag = startScriptTag(url.href, nonce);
  } catch (error) {
    // Enforced Trusted Types refuse a plain string when our policy could not be created.
    return Promise.reject(
      new ManagedChatKitError(
        'script',
        `The page's Trusted Types (require-trusted-types-for 'script') refused the ChatKit script ${url.href}: add ${TRUSTED_TYPES_POLICY} to the trusted-types directive of its Content-Security-Policy.`,
        { retryable: false, cause: error },
      ),
    );
  }
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      finish();
      forgetScriptTag(url.href, tag);
      reject(
        new ManagedChatKitError(
          'script',
          tag.loaded
            ? `The script ${url.href} loaded but did not define <openai-chatkit> within ${timeout} ms. Check that script-src points at ChatKit's chatkit.js.`
            : `The ChatKit script ${url.href} did not load within ${timeout} ms (timeout attribute). Check the network or raise timeout.`,
        ),
      );
    }, timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    tag.defined.then(
      () => (finish(), resolve()),
      (failure: ScriptFailure) => {
        finish();
        forgetScriptTag(url.href, tag);
        reject(scriptError(failure, url));
      },
    );
  });
}

/** What went wrong with the tag, and what to do about it. */
function scriptError({ kind, message }: ScriptFailure, url: URL): ManagedChatKitError {
  if (kind === 'csp') {
    // retrying cannot help until the policy or the nonce changes
    return new ManagedChatKitError(
      'script',
      `The page's Content-Security-Policy blocked the ChatKit script ${url.href}. Give <managed-chatkit> the page's nonce (nonce attribute) or allow ${url.origin} in script-src.`,
      { retryable: false },
    );
  }
  return new ManagedChatKitError(
    'script',
    kind === 'evaluation'
      ? `The ChatKit script ${url.href} threw while starting: ${message}. Check that script-src points at chatkit.js.`
      : `The ChatKit script failed to load from ${url.href} (script-src). Check the URL, the network, and that the Content-Security-Policy allows it.`,
  );
}

/** Forgets the tag for `href` and removes it, so the next attempt starts afresh. */
function forgetScriptTag(href: string, tag: ScriptTag): void {
  if (scriptTags.get(href) !== tag) return;
  scriptTags.delete(href);
  tag.dispose();
  tag.script.remove();
}

