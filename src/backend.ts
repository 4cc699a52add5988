import type { CustomApiConfig, FileUploadStrategy } from '@openai/chatkit';
import { ManagedChatKitError } from './errors.js';

/** `api` as a page may give it in the JSON child or `options`: your own ChatKit server (never `getClientSecret`). */
export interface PageApiConfig {
  url?: string;
  domainKey?: string;
  uploadStrategy?: FileUploadStrategy;
  /** `options` only (JSON cannot hold a function); the `apiFetch` property wins. */
  fetch?: typeof fetch;
}

/** What decides the backend: the element's attributes, and `api` merged from the JSON child and `options`. */
export interface BackendInput {
  apiUrl: string | null;
  domainKey: string | null;
  uploadUrl: string | null;
  /** Explicitly set hosted-mode attributes (not defaults). */
  startUrl: string | null;
  refreshUrl: string | null;
  workflowId: string | null;
  /** `api` of the JSON child, then of `options` (later wins). */
  pageApi: Array<PageApiConfig | undefined>;
  /** Whether the options enable composer attachments (custom mode then needs an upload strategy). */
  attachments: boolean;
}

/** Hosted workflows (`getClientSecret` from `start-url`), or your own ChatKit server. */
export type Backend = { mode: 'hosted' } | { mode: 'custom'; url: string; domainKey: string; uploadStrategy?: FileUploadStrategy; fetch?: typeof fetch };

/** `api` keys a page may set; anything else (`getClientSecret` above all) is refused. */
const PAGE_API_KEYS = new Set(['url', 'domainKey', 'uploadStrategy', 'fetch']);

/**
 * Decides the backend and refuses every mix that cannot work, before any request leaves: each refusal is a `config`
 * error that names the attributes involved and the fix.
 */
export function resolveBackend(input: BackendInput): Backend {
  const api: PageApiConfig = {};
  for (const layer of input.pageApi) {
    if (layer === undefined) continue;
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) refuse('The "api" in the options must be an object: {"url": "…", "domainKey": "…"} for your own ChatKit server.');
    for (const [key, value] of Object.entries(layer as Record<string, unknown>)) {
      if (key === 'getClientSecret') {
        refuse(
          'api.getClientSecret in the options is not accepted: for hosted workflows <managed-chatkit> supplies it from start-url/refresh-url. ' +
            'Remove api.getClientSecret and set start-url, or use your own ChatKit server with api-url and domain-key.',
        );
      }
      if (!PAGE_API_KEYS.has(key)) refuse(`api.${key} in the options is not a ChatKit api setting: use url, domainKey, uploadStrategy (and fetch from code).`);
      if (value !== undefined) (api as Record<string, unknown>)[key] = value;
    }
  }
  const url = input.apiUrl || api.url;
  if (!url) {
    if (input.uploadUrl) refuse(`upload-url="${input.uploadUrl}" only applies with api-url (your own ChatKit server). Add api-url, or remove upload-url.`);
    return { mode: 'hosted' };
  }
  const name = input.apiUrl ? `api-url="${url}"` : `api.url "${url}"`;
  checkHttpUrl(url, name, 'your ChatKit server, e.g. api-url="/api/chatkit" or "https://chat.example.com/api/chatkit"');
  const hosted = (['start-url', 'refresh-url', 'workflow-id'] as const).filter(
    (attribute) => ({ 'start-url': input.startUrl, 'refresh-url': input.refreshUrl, 'workflow-id': input.workflowId })[attribute],
  );
  if (hosted.length) {
    refuse(
      `${name} (your own ChatKit server) cannot be combined with ${hosted.join(', ')} (hosted workflows). ` +
        `Remove ${hosted.join(' and ')} to use your server, or remove api-url to stay on the hosted workflow.`,
    );
  }
  const domainKey = input.domainKey || api.domainKey;
  if (!domainKey) {
    refuse(
      `${name} needs domain-key: register ${location.hostname} on your OpenAI organization's domain allowlist ` +
        '(platform.openai.com → Settings → Security → Domain allowlist) and add domain-key="<the key it shows>".',
    );
  }
  let uploadStrategy = api.uploadStrategy;
  if (input.uploadUrl) {
    checkHttpUrl(input.uploadUrl, `upload-url="${input.uploadUrl}"`, 'the URL your ChatKit server accepts attachments at');
    uploadStrategy = { type: 'direct', uploadUrl: input.uploadUrl };
  } else if (!uploadStrategy && input.attachments) {
    uploadStrategy = { type: 'two_phase' };
  }
  if (api.fetch !== undefined && typeof api.fetch !== 'function') refuse('api.fetch in options must be a function with the signature of fetch.');
  return { mode: 'custom', url, domainKey, uploadStrategy, fetch: api.fetch };
}

/** ChatKit's `api` for a custom backend, with `fetch` the page's or the element's own. */
export function customApi(backend: Extract<Backend, { mode: 'custom' }>, fetchFn: typeof fetch): CustomApiConfig {
  const api: CustomApiConfig = { url: backend.url, domainKey: backend.domainKey, fetch: fetchFn };
  if (backend.uploadStrategy) api.uploadStrategy = backend.uploadStrategy;
  return api;
}

/** A relative URL resolves against the page and is fine; an absolute one must be http(s). */
function checkHttpUrl(value: string, name: string, what: string): void {
  let url: URL | null = null;
  try {
    url = new URL(value, document.baseURI);
  } catch {
    // reported below
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') refuse(`${name} is not an http(s) URL. Give ${what}.`);
}

function refuse(message: string): never {
  throw new ManagedChatKitError('config', message, { retryable: false });
}
