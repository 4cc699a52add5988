import { ManagedChatKitError } from './errors.js';
import { CHATKIT_TAG, scriptTags, startScriptTag, type ScriptFailure, type ScriptTag } from './script-tag.js';

export { CHATKIT_TAG, DEFAULT_SCRIPT_SRC, pageNonce } from './script-tag.js';
export { preconnect } from './preconnect.js';

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
    return Promise.reject(ManagedChatKitError.because('script', 'trustedTypesRefused', [url.href], { retryable: false, cause: error }));
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
      reject(ManagedChatKitError.because('script', tag.loaded ? 'scriptNotDefining' : 'scriptTimeout', [url.href, timeout]));
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
  // retrying cannot help a CSP block until the policy or the nonce changes
  if (kind === 'csp') return ManagedChatKitError.because('script', 'scriptBlocked', [url.href, url.origin], { retryable: false });
  return kind === 'evaluation' ? ManagedChatKitError.because('script', 'scriptThrew', [url.href, String(message)]) : ManagedChatKitError.because('script', 'scriptNotLoading', [url.href]);
}

/** Forgets the tag for `href` and removes it, so the next attempt starts afresh. */
function forgetScriptTag(href: string, tag: ScriptTag): void {
  if (scriptTags.get(href) !== tag) return;
  scriptTags.delete(href);
  tag.dispose();
  tag.script.remove();
}

