import type { CustomApiConfig, FileUploadStrategy } from '@openai/chatkit';
import { ManagedChatKitError } from './errors.js';
import type { FailureFacts, FailureReason } from './failure-messages.js';
import { checkUrl } from './url-check.js';

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

/**
 * Decides the backend and refuses every mix that cannot work, before any request leaves: each refusal is a `config`
 * error that names the attributes involved and the fix. `api-url` and a direct `upload-url` must be on the page's own
 * origin or one the page allows from its code (src/url-policy.ts), never on an origin named by markup alone.
 */
export function resolveBackend(input: BackendInput): Backend {
  const api: PageApiConfig = Object.assign({}, ...input.pageApi);
  if ('getClientSecret' in api) {
    refuse('getClientSecretGiven', []);
  }
  const url = input.apiUrl || api.url;
  if (!url) {
    if (input.uploadUrl) refuse('uploadUrlAlone', []);
    return { mode: 'hosted' };
  }
  const name = input.apiUrl ? `api-url="${url}"` : `api.url "${url}"`;
  checkUrl('connect', url, name);
  const hosted = (['start-url', 'refresh-url', 'workflow-id'] as const).filter((_, i) => [input.startUrl, input.refreshUrl, input.workflowId][i]);
  if (hosted.length) {
    refuse('customAndHosted', [name, hosted]);
  }
  const domainKey = input.domainKey || api.domainKey;
  if (!domainKey) {
    refuse('noDomainKey', [name]);
  }
  let uploadStrategy = api.uploadStrategy;
  if (input.uploadUrl) {
    uploadStrategy = { type: 'direct', uploadUrl: input.uploadUrl };
  } else if (!uploadStrategy && input.attachments) {
    uploadStrategy = { type: 'two_phase' };
  }
  if (uploadStrategy?.type === 'direct') {
    const upload = uploadStrategy.uploadUrl;
    checkUrl('connect', upload, input.uploadUrl ? `upload-url="${upload}"` : `api.uploadStrategy.uploadUrl "${upload}"`);
  }
  return { mode: 'custom', url, domainKey, uploadStrategy, fetch: api.fetch };
}

/** ChatKit's `api` for a custom backend, with `fetch` the page's or the element's own. */
export function customApi(backend: Extract<Backend, { mode: 'custom' }>, fetchFn: typeof fetch): CustomApiConfig {
  const api: CustomApiConfig = { url: backend.url, domainKey: backend.domainKey, fetch: fetchFn };
  if (backend.uploadStrategy) api.uploadStrategy = backend.uploadStrategy;
  return api;
}

function refuse<R extends FailureReason>(reason: R, facts: FailureFacts[R]): never {
  throw ManagedChatKitError.because('config', reason, facts, { retryable: false });
}
