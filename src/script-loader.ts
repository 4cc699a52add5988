import { ManagedChatKitError } from './errors.js';
import { checkUrl, isAllowedScriptUrl, pageNonce } from './url-policy.js';

/** ChatKit's official CDN script. */
export const DEFAULT_SCRIPT_SRC = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';
/** The tag ChatKit's script defines. */
export const CHATKIT_TAG = 'openai-chatkit';
/** Name of the Trusted Types policy used for the script URL (allow it in `trusted-types`). */
export const TRUSTED_TYPES_POLICY = 'managed-chatkit';

/**
 * Resolves `src` against the document and checks it against the URL policy (src/url-policy.ts): ChatKit's CDN, the
 * page's own origin, or an origin the page allows from its own code (`ManagedChatKit.allowedScriptOrigins` or
 * `<meta name="managed-chatkit-script-src">` in `<head>`). Anything else — another origin named only by the attribute,
 * `javascript:`, `data:` — is a `config` error, and such a URL is never inserted nor given the nonce.
 */
export function resolveScriptUrl(src: string, base: string = document.baseURI, page: string = self.origin ?? location.href): URL {
  return checkUrl('script', src, `script-src "${truncate(src, 80)}"`, page, base);
}

export { pageNonce };

export interface LoadOptions {
  /** CSP nonce for the injected tag. */
  nonce?: string;
  /** ms allowed for the script to define `<openai-chatkit>`. */
  timeout: number;
  /** Aborting stops waiting (the shared script keeps loading for other elements). */
  signal?: AbortSignal;
}

interface Load {
  script: HTMLScriptElement;
  done: Promise<void>;
  loaded: boolean;
  /** Stops listening to the tag and the window. */
  dispose: () => void;
}

/** One load per script URL per page, however many elements ask for it. */
const loads = new Map<string, Load>();

/**
 * Loads ChatKit from `url` at most once per document and resolves once `<openai-chatkit>` is defined. Reuses a
 * `<script>` with the same `src` already on the page, and injects nothing when the element is already defined.
 * Rejects with a `script` error on the tag's `error` event, a CSP block, an exception while the script evaluates,
 * or when `timeout` ms pass without a definition; after a failure the tag is removed so the next call starts fresh.
 */
export function loadChatKit(url: URL, { nonce, timeout, signal }: LoadOptions): Promise<void> {
  if (customElements.get(CHATKIT_TAG)) return Promise.resolve();
  const key = url.href;
  let load = loads.get(key);
  if (!load) {
    load = startLoad(url, nonce);
    loads.set(key, load);
    load.done.catch(() => forget(key, load!));
  }
  return waitFor(load, url, timeout, signal, () => forget(key, load!));
}

/**
 * Adds `<link rel="preconnect">` to the origin of `url` (once per origin and pool) so a later request starts warm.
 * `credentialed`: the request will carry cookies (fetch `credentials: "include"`), which uses another connection pool.
 */
export function preconnect(url: URL, credentialed = false): void {
  if (url.origin === location.origin || url.origin === 'null') return;
  const crossOrigin = credentialed ? null : 'anonymous';
  const existing = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')];
  if (existing.some((link) => link.href && new URL(link.href).origin === url.origin && link.crossOrigin === crossOrigin)) return;
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = url.origin;
  link.crossOrigin = crossOrigin;
  document.head.append(link);
}

/** Forgets every load (tests only). */
export function resetScriptLoads(): void {
  loads.clear();
}

function forget(key: string, load: Load): void {
  if (loads.get(key) !== load) return;
  loads.delete(key);
  load.dispose();
  load.script.remove();
}

function startLoad(url: URL, nonce: string | undefined): Load {
  const existing = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => s.src === url.href);
  const script = existing ?? createScript(url, nonce);
  const load: Load = { script, loaded: false, done: Promise.resolve(), dispose: () => {} };
  load.done = new Promise<void>((resolve, reject) => {
    let cspBlocked = false;
    const cleanup = (load.dispose = () => {
      script.removeEventListener('load', onLoad);
      script.removeEventListener('error', onError);
      window.removeEventListener('error', onEvaluationError);
      document.removeEventListener('securitypolicyviolation', onViolation);
    });
    const fail = (message: string, retryable = true) => {
      cleanup();
      reject(new ManagedChatKitError('script', message, { retryable }));
    };
    const onLoad = () => (load.loaded = true);
    const onViolation = (event: SecurityPolicyViolationEvent) => {
      if (event.blockedURI && url.href.startsWith(event.blockedURI)) cspBlocked = true;
    };
    const onError = () =>
      // The CSP report may be queued just after the error event: look one task later.
      setTimeout(() =>
        cspBlocked
          ? // retrying cannot help until the policy or the nonce changes
            fail(`The page's Content-Security-Policy blocked the ChatKit script ${url.href}. Give <managed-chatkit> the page's nonce (nonce attribute) or allow ${url.origin} in script-src.`, false)
          : fail(`The ChatKit script failed to load from ${url.href} (script-src). Check the URL, the network, and that the Content-Security-Policy allows it.`),
      );
    const onEvaluationError = (event: ErrorEvent) => {
      if (event.filename !== url.href) return;
      fail(`The ChatKit script ${url.href} threw while starting: ${event.message}. Check that script-src points at chatkit.js.`);
    };
    script.addEventListener('load', onLoad);
    script.addEventListener('error', onError);
    window.addEventListener('error', onEvaluationError);
    document.addEventListener('securitypolicyviolation', onViolation);
    customElements.whenDefined(CHATKIT_TAG).then(() => {
      cleanup();
      resolve();
    });
    if (!existing) document.head.append(script);
  });
  return load;
}

function createScript(url: URL, nonce: string | undefined): HTMLScriptElement {
  // The nonce goes only onto a URL the policy allows (resolveScriptUrl checked it; this guards any other caller).
  checkUrl('script', url.href, `script-src "${truncate(url.href, 80)}"`);
  const script = document.createElement('script');
  script.async = true;
  if (nonce) script.nonce = nonce;
  try {
    script.src = trustedScriptUrl(url.href) as string;
  } catch (error) {
    // Enforced Trusted Types refuse a plain string when our policy could not be created.
    throw new ManagedChatKitError(
      'script',
      `The page's Trusted Types (require-trusted-types-for 'script') refused the ChatKit script ${url.href}: add ${TRUSTED_TYPES_POLICY} to the trusted-types directive of its Content-Security-Policy.`,
      { retryable: false, cause: error },
    );
  }
  script.dataset.managedChatkit = '';
  return script;
}

function waitFor(load: Load, url: URL, timeout: number, signal: AbortSignal | undefined, onTimeout: () => void): Promise<void> {
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
      onTimeout();
      reject(
        new ManagedChatKitError(
          'script',
          load.loaded
            ? `The script ${url.href} loaded but did not define <openai-chatkit> within ${timeout} ms. Check that script-src points at ChatKit's chatkit.js.`
            : `The ChatKit script ${url.href} did not load within ${timeout} ms (timeout attribute). Check the network or raise timeout.`,
        ),
      );
    }, timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    load.done.then(
      () => (finish(), resolve()),
      (error: unknown) => (finish(), reject(error)),
    );
  });
}

interface TrustedTypePolicyLike {
  createScriptURL(input: string): unknown;
}
let policy: TrustedTypePolicyLike | null | undefined;

/**
 * Passes the URL through a Trusted Types policy where the browser has them. The policy enforces the same allowlist as
 * `script-src`: it throws for any URL the URL policy refuses, whoever asks.
 */
export function trustedScriptUrl(href: string): unknown {
  if (policy === undefined) {
    const factory = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(input: string): string }): TrustedTypePolicyLike } }).trustedTypes;
    const createScriptURL = (input: string) => {
      if (!isAllowedScriptUrl(input)) throw new TypeError(`${TRUSTED_TYPES_POLICY}: ${input} is not an allowed ChatKit script URL`);
      return input;
    };
    try {
      policy = factory?.createPolicy(TRUSTED_TYPES_POLICY, { createScriptURL }) ?? null;
    } catch {
      policy = null; // a second copy on the page, or a CSP that does not list the policy: fall back to a string
    }
  }
  return policy ? policy.createScriptURL(href) : href;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
