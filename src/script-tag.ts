import { configuredOrigins, type UrlKind } from './allowed-origins.js';

/** ChatKit's official CDN script. */
export const DEFAULT_SCRIPT_SRC = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';
/** The tag ChatKit's script defines. */
export const CHATKIT_TAG = 'openai-chatkit';
/** Name of the Trusted Types policy used for the script URL (allow it in `trusted-types`). */
export const TRUSTED_TYPES_POLICY = 'managed-chatkit';

/** Why a ChatKit script tag failed, as seen from its events; the script loader turns it into a message. */
export interface ScriptFailure {
  kind: 'network' | 'csp' | 'evaluation';
  /** The exception's message, for `evaluation`. */
  message?: string;
}

/** ChatKit's `<script>` on this page: one per URL, however many elements ask for it. */
export interface ScriptTag {
  readonly script: HTMLScriptElement;
  /** Resolves once `<openai-chatkit>` is defined; rejects with a {@link ScriptFailure}. */
  readonly defined: Promise<void>;
  /** Whether the tag fired `load` (its code ran, yet may not have defined the element). */
  loaded: boolean;
  /** Stops listening to the tag and the window. */
  dispose(): void;
}

/** One tag per script URL per page. */
export const scriptTags = new Map<string, ScriptTag>();

/** ChatKit's CDN: the one origin besides the page's that `script-src` may load from by default. */
export const CHATKIT_CDN_ORIGIN = new URL(DEFAULT_SCRIPT_SRC).origin;

/**
 * Whether `url` is plainly allowed for `kind` (src/url-policy.ts says why there is a policy): http(s) on the page's
 * origin, ChatKit's CDN (script only), or an origin the page's code allowed. The rest of the URL policy — the `<meta>`
 * allowlist, the error messages — comes with the rest of the element.
 */
export function isPlainlyAllowed(url: URL, kind: UrlKind): boolean {
  const { protocol, origin } = url;
  return /^https?:$/.test(protocol) && (origin === self.origin || (kind === 'script' && origin === CHATKIT_CDN_ORIGIN) || !!configuredOrigins[kind]?.includes(origin));
}

/**
 * Which URLs may become ChatKit's script — checked before a tag gets the page's nonce, and by the Trusted Types policy.
 * The URL policy replaces it as the rest of the element loads.
 */
let isAllowed = (href: string): boolean => isPlainlyAllowed(new URL(href), 'script');

/** Installs the URL policy's check (src/url-policy.ts does, when its chunk is loaded). */
export function setScriptUrlCheck(check: (href: string) => boolean): void {
  isAllowed = check;
}

/**
 * The `<script>` for `href`, started now: a tag with the same `src` already on the page is reused, otherwise one is
 * added to `<head>` with `nonce`. Its load, error, CSP violation and evaluation error are recorded from this moment,
 * so whoever waits for it later misses nothing. Throws a `TypeError` for a URL the policy does not allow, and whatever
 * enforced Trusted Types throw when our policy could not be created.
 */
export function startScriptTag(href: string, nonce: string | undefined): ScriptTag {
  let tag = scriptTags.get(href);
  if (tag) return tag;
  const existing = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => s.src === href);
  const script = existing ?? createScript(href, nonce);
  let cspBlocked = false;
  let dispose = () => {};
  const defined = new Promise<void>((resolve, reject) => {
    const fail = (failure: ScriptFailure) => {
      dispose();
      reject(failure);
    };
    const onLoad = () => (tag!.loaded = true);
    const onViolation = (event: SecurityPolicyViolationEvent) => {
      if (event.blockedURI && href.startsWith(event.blockedURI)) cspBlocked = true;
    };
    // The CSP report may be queued just after the error event: look one task later.
    const onError = () => setTimeout(() => fail({ kind: cspBlocked ? 'csp' : 'network' }));
    const onEvaluationError = (event: ErrorEvent) => {
      if (event.filename === href) fail({ kind: 'evaluation', message: event.message });
    };
    dispose = () => {
      script.removeEventListener('load', onLoad);
      script.removeEventListener('error', onError);
      removeEventListener('error', onEvaluationError);
      document.removeEventListener('securitypolicyviolation', onViolation);
    };
    script.addEventListener('load', onLoad);
    script.addEventListener('error', onError);
    addEventListener('error', onEvaluationError);
    document.addEventListener('securitypolicyviolation', onViolation);
    customElements.whenDefined(CHATKIT_TAG).then(() => {
      dispose();
      resolve();
    });
  });
  defined.catch(() => {}); // reported by whoever waits for it
  tag = { script, defined, loaded: false, dispose: () => dispose() };
  scriptTags.set(href, tag);
  if (!existing) document.head.append(script);
  return tag;
}

/** The nonce of the page's own scripts, if it has any (read through the property: browsers hide the attribute). */
export function pageNonce(): string | undefined {
  for (const script of document.scripts) if (script.nonce) return script.nonce;
  return undefined;
}

function createScript(href: string, nonce: string | undefined): HTMLScriptElement {
  const script = document.createElement('script');
  script.async = true;
  script.src = trustedScriptUrl(href) as string; // throws for a URL the policy refuses: before the nonce is set
  if (nonce) script.nonce = nonce;
  script.dataset.managedChatkit = '';
  return script;
}

/** `href`, when the policy allows it as ChatKit's script; else a `TypeError`. */
function check(href: string): string {
  if (!isAllowed(href)) throw new TypeError(`${TRUSTED_TYPES_POLICY}: ${href} is not an allowed ChatKit script URL`);
  return href;
}

let policy: { createScriptURL(input: string): unknown } | null | undefined;
let policyRefused = false;

/**
 * Our Trusted Types policy, created on first use, whose check is the URL policy's; `null` where the browser has no
 * Trusted Types, or when the page refused it (`policyRefused`).
 */
function scriptUrlPolicy(): typeof policy {
  if (policy !== undefined) return policy;
  try {
    policy =
      (globalThis as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(input: string): string }): typeof policy } }).trustedTypes?.createPolicy(TRUSTED_TYPES_POLICY, {
        createScriptURL: check, // the same check, whoever asks
      }) ?? null;
  } catch {
    policy = null; // a second copy on the page, or a CSP that does not list the policy: fall back to a string
    policyRefused = true;
  }
  return policy;
}

/**
 * Whether the page's CSP refused our Trusted Types policy: a plain string would be refused too (the first stage then
 * leaves the tag to the full element, which reports it — one violation report, not two).
 */
export function trustedTypesRefused(): boolean {
  scriptUrlPolicy();
  return policyRefused;
}

/**
 * Passes the URL through a Trusted Types policy where the browser has them. The policy enforces the same allowlist as
 * `script-src`: it throws for any URL the URL policy refuses, whoever asks.
 */
export function trustedScriptUrl(href: string): unknown {
  check(href);
  return scriptUrlPolicy()?.createScriptURL(href) ?? href;
}
