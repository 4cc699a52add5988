import { beforeAll, describe, expect, it } from 'vitest';
import { customApi, resolveBackend, type BackendInput } from '../../src/backend.js';
import { ManagedChatKitError } from '../../src/errors.js';
import { load } from '../../src/on-demand.js';
import { setAllowedOrigins } from '../../src/url-policy.js';

// Cross-origin URLs need the URL policy's chunk (the element fetches it first, src/url-check.ts); failures are worded by
// a chunk the element fetches on its first one.
beforeAll(() => load(['urlPolicy', 'failureMessages']));

const input = (over: Partial<BackendInput> = {}): BackendInput => ({
  apiUrl: null,
  domainKey: null,
  uploadUrl: null,
  startUrl: null,
  refreshUrl: null,
  workflowId: null,
  pageApi: [],
  attachments: false,
  ...over,
});

const refusal = (over: Partial<BackendInput>): ManagedChatKitError => {
  try {
    resolveBackend(input(over));
  } catch (error) {
    expect(error).toBeInstanceOf(ManagedChatKitError);
    expect((error as ManagedChatKitError).phase).toBe('config');
    expect((error as ManagedChatKitError).retryable).toBe(false);
    return error as ManagedChatKitError;
  }
  throw new Error('expected a refusal');
};

describe('resolveBackend', () => {
  it('is hosted without api-url or api.url, whatever start-url says', () => {
    expect(resolveBackend(input({ startUrl: '/s', workflowId: 'wf' }))).toEqual({ mode: 'hosted' });
    expect(resolveBackend(input({ domainKey: 'k' }))).toEqual({ mode: 'hosted' });
  });

  it('merges api from the JSON child and options (options later), attributes above both', () => {
    const fetchFn = (() => {}) as unknown as typeof fetch;
    const backend = resolveBackend(
      input({ domainKey: 'attr-key', pageApi: [{ url: '/json', domainKey: 'json-key' }, { url: '/options', fetch: fetchFn }] }),
    );
    expect(backend).toEqual({ mode: 'custom', url: '/options', domainKey: 'attr-key', uploadStrategy: undefined, fetch: fetchFn });
    expect(resolveBackend(input({ apiUrl: '/attr', pageApi: [{ url: '/json', domainKey: 'k' }] }))).toMatchObject({ url: '/attr', domainKey: 'k' });
  });

  it('chooses the upload strategy: upload-url → direct, attachments → two_phase, else what api gave', () => {
    const base = { apiUrl: '/api', domainKey: 'k' };
    expect(resolveBackend(input({ ...base, uploadUrl: '/up', attachments: true }))).toMatchObject({ uploadStrategy: { type: 'direct', uploadUrl: '/up' } });
    expect(resolveBackend(input({ ...base, attachments: true }))).toMatchObject({ uploadStrategy: { type: 'two_phase' } });
    expect(resolveBackend(input(base))).toMatchObject({ uploadStrategy: undefined });
    const given = { type: 'direct', uploadUrl: '/files/u' } as const;
    expect(resolveBackend(input({ ...base, attachments: true, pageApi: [{ uploadStrategy: given }] }))).toMatchObject({ uploadStrategy: given });
  });

  it('refuses api-url, upload-url or a direct upload URL on another origin unless the page allows it from code', () => {
    const base = { apiUrl: '/api', domainKey: 'k' };
    expect(refusal({ ...base, apiUrl: 'https://evil.test/api' }).message).toContain('api-url="https://evil.test/api" is not allowed');
    expect(refusal({ domainKey: 'k', pageApi: [{ url: 'https://evil.test/api' }] }).message).toContain('api.url "https://evil.test/api" is not allowed');
    expect(refusal({ ...base, uploadUrl: 'https://evil.test/up' }).message).toContain('upload-url="https://evil.test/up" is not allowed');
    const foreign = { type: 'direct', uploadUrl: 'https://evil.test/u' } as const;
    expect(refusal({ ...base, pageApi: [{ uploadStrategy: foreign }] }).message).toContain('api.uploadStrategy.uploadUrl "https://evil.test/u" is not allowed');
    expect(refusal({ ...base, uploadUrl: 'https://evil.test/up' }).message).toContain("ManagedChatKit.allowedConnectOrigins = ['https://evil.test']");
    setAllowedOrigins('connect', ['https://evil.test']);
    try {
      expect(resolveBackend(input({ ...base, apiUrl: 'https://evil.test/api', uploadUrl: 'https://evil.test/up' }))).toMatchObject({ url: 'https://evil.test/api' });
    } finally {
      setAllowedOrigins('connect', null);
    }
  });

  it('refuses every mix that cannot work, naming the fix', () => {
    expect(refusal({ apiUrl: '/api' }).message).toContain('needs domain-key');
    expect(refusal({ apiUrl: '/api', domainKey: 'k', workflowId: 'wf' }).message).toContain('cannot be combined with workflow-id');
    expect(refusal({ apiUrl: 'ftp://x/api', domainKey: 'k' }).message).toContain('is not an http(s) URL');
    expect(refusal({ apiUrl: '/api', domainKey: 'k', uploadUrl: 'data:,x' }).message).toContain('upload-url="data:,x" is not an http(s) URL');
    expect(refusal({ uploadUrl: '/up' }).message).toContain('upload-url needs api-url');
    expect(refusal({ pageApi: [{ getClientSecret: async () => 's' } as never] }).message).toContain('api.getClientSecret');
  });

  it('customApi gives ChatKit exactly url, domainKey, fetch and (when set) uploadStrategy', () => {
    const fetchFn = (() => {}) as unknown as typeof fetch;
    expect(customApi({ mode: 'custom', url: '/api', domainKey: 'k' }, fetchFn)).toEqual({ url: '/api', domainKey: 'k', fetch: fetchFn });
    expect(customApi({ mode: 'custom', url: '/api', domainKey: 'k', uploadStrategy: { type: 'two_phase' } }, fetchFn)).toEqual({
      url: '/api',
      domainKey: 'k',
      fetch: fetchFn,
      uploadStrategy: { type: 'two_phase' },
    });
  });
});
