import { describe, expect, it } from 'vitest';
import { ManagedChatKitError, reasonOf } from '../../src/errors.js';
import type { FailureFacts, FailureReason } from '../../src/failure-messages.js';
import { load, loaded } from '../../src/on-demand.js';

/** Sample facts for every reason (tsc fails when a reason is added without one). */
const SAMPLES: { [R in FailureReason]: FailureFacts[R] } = {
  credentials: ['sometimes'],
  timeout: ['soon'],
  loading: ['later'],
  theme: ['sepia'],
  invalidJson: ['child', 'Unexpected token } in JSON'],
  notAnObject: ['attribute'],
  stringifiedOptions: ['[object Object]'],
  getClientSecretGiven: [],
  uploadUrlAlone: [],
  customAndHosted: ['api-url="/api"', ['start-url', 'workflow-id']],
  noDomainKey: ['api-url="/api"'],
  trustedTypesRefused: ['https://cdn.test/chatkit.js'],
  scriptNotDefining: ['https://cdn.test/chatkit.js', 1234],
  scriptTimeout: ['https://cdn.test/chatkit.js', 1234],
  scriptBlocked: ['https://cdn.test/chatkit.js', 'https://cdn.test'],
  scriptThrew: ['https://cdn.test/chatkit.js', 'boom'],
  scriptNotLoading: ['https://cdn.test/chatkit.js'],
  sessionTimeout: ['start-url', '/start', 1234],
  sessionUnreachable: ['start-url', '/start', 'Failed to fetch'],
  answerTooLarge: ['start-url', '/start', 200, 'OK', 1048576],
  answerStatus: ['start-url', '/start', 500, 'Internal Server Error', '{"error": {"message": "workflow not found"}}'],
  answerNotJson: ['refresh-url', '/refresh', 200, 'OK', '<html>login</html>', 'text/html'],
  answerWithoutSecret: ['start-url', '/start', 200, '', '{"secret": "x"}'],
  notReady: [1234, 'domain_pk_1', 'https://api.test/chatkit'],
  errorBeforeReady: ['Invalid domain key', null, null],
  unsupportedLocale: ['tlh'],
  reactHandler: ['onThreadChange', 'chatkit.thread.change'],
};

describe('failure wording', () => {
  it('is fetched on demand: until then a failure carries its reason and facts, and says them', async () => {
    expect(loaded.failureMessages).toBeUndefined();
    const early = ManagedChatKitError.because('config', 'noDomainKey', ['api-url="/api"'], { retryable: false });
    expect(early.reason).toEqual(['noDomainKey', 'api-url="/api"']);
    expect(early.message).toBe('noDomainKey ["api-url=\\"/api\\""]');
    expect(early).toMatchObject({ phase: 'config', retryable: false });

    await load(['failureMessages']);
    const later = ManagedChatKitError.because('config', 'noDomainKey', ['api-url="/api"'], { retryable: false });
    expect(later.message).toBe(
      `api-url="/api" needs domain-key: add ${location.hostname} to your OpenAI domain allowlist (platform.openai.com, Settings → Security) and set domain-key to the key it shows.`,
    );
    expect(loaded.failureMessages!.wording(early.reason!)).toBe(later.message);
  });

  it('words every reason as sentences quoting its facts', async () => {
    await load(['failureMessages']);
    for (const [reason, facts] of Object.entries(SAMPLES)) {
      const message = loaded.failureMessages!.wording(reasonOf(reason as FailureReason, facts as never));
      expect(message, reason).toMatch(/^\S.*[.]$/s);
      expect(message, reason).not.toContain('undefined');
      for (const fact of facts.flat()) {
        // Bodies are diagnosed rather than quoted whole, `child`/`attribute` name a source; the rest appears as given.
        if (typeof fact === 'string' && !/^[{<]|^(child|attribute)$/.test(fact)) expect(message, reason).toContain(fact);
      }
    }
  });

  it('diagnoses a session answer: the error message of a JSON body, the keys it had, an HTML page', async () => {
    await load(['failureMessages']);
    const words = (reason: 'answerStatus' | 'answerWithoutSecret', body: string) =>
      loaded.failureMessages!.wording(reasonOf(reason, ['start-url', '/start', 500, 'Internal Server Error', body]));
    expect(words('answerStatus', '{"error": {"message": "workflow not found"}}')).toContain(': "workflow not found". Check the server behind start-url.');
    expect(words('answerStatus', '<html><title>502 Bad Gateway</title></html>')).toContain(': "502 Bad Gateway".');
    expect(words('answerWithoutSecret', '{"secret": "x", "id": 1}')).toContain('(keys: secret, id)');
    expect(words('answerWithoutSecret', '[1]')).toContain('(a JSON array)');
    expect(words('answerWithoutSecret', '"x"')).toContain('(a JSON string)');
  });
});
