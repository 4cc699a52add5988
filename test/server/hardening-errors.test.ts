import { describe, expect, it, vi } from 'vitest';
import { handlerFor, sessionRequest, useFakeSessionsApi } from '../fixtures/session-harness.js';

const fake = useFakeSessionsApi();
const DETAILED = 'Project proj_8Hq2XyZ in organization org-Ab12Cd34 has no access to workflow wf_internal_payroll_bot.';
const IDENTIFIERS = /proj_8Hq2XyZ|org-Ab12Cd34|wf_internal_payroll_bot/;

async function refusal(options: Parameters<typeof handlerFor>[1]): Promise<{ status: number; error: string; log: string[] }> {
  fake.setFault({ type: 'error', status: 403, message: DETAILED });
  const { handler, logger } = handlerFor(fake, options);
  const response = await handler(sessionRequest('/api/chatkit/start'));
  return { status: response.status, error: ((await response.json()) as { error: string }).error, log: logger.lines };
}

describe('OpenAI error detail (issue 14, point 4)', () => {
  it('does not reach the browser in production: the answer names the fix, the log keeps the detail', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { status, error, log } = await refusal({});
    expect(status).toBe(403);
    expect(error).not.toMatch(IDENTIFIERS);
    expect(error).toMatch(/OpenAI refused to create the ChatKit session \(403\)/);
    expect(error).toMatch(/API key's project.*workflow.*server log/);
    expect(log.join('\n')).toContain(DETAILED);
  });

  it('with exposeErrors: false anywhere', async () => {
    const { error } = await refusal({ exposeErrors: false });
    expect(error).not.toMatch(IDENTIFIERS);
  });

  it('is passed on outside production, and with exposeErrors: true in production', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    expect((await refusal({})).error).toContain(DETAILED);
    vi.stubEnv('NODE_ENV', 'production');
    expect((await refusal({ exposeErrors: true })).error).toContain(DETAILED);
  });

  it.each([
    [401, /API key.*OPENAI_API_KEY/],
    [404, /workflow.*CHATKIT_WORKFLOW_ID/],
    [400, /server log/],
  ])('a hidden %i still names the fix', async (status, fix) => {
    fake.setFault({ type: 'error', status, message: DETAILED });
    const { handler } = handlerFor(fake, { exposeErrors: false });
    const response = await handler(sessionRequest('/api/chatkit/start'));
    const { error } = (await response.json()) as { error: string };
    expect(response.status).toBe(status);
    expect(error).toMatch(fix);
    expect(error).not.toMatch(IDENTIFIERS);
  });
});
