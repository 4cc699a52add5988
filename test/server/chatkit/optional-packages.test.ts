/**
 * `managed-chatkit/server` imports without its optional packages (@openai/agents, better-sqlite3, pg); a handler
 * that needs a missing one answers 500 at its first request and logs the install command — it never crashes.
 */
import { describe, expect, it, vi } from 'vitest';

function moduleNotFound(name: string): never {
  throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
}
vi.mock('@openai/agents', () => moduleNotFound('@openai/agents'));
vi.mock('better-sqlite3', () => moduleNotFound('better-sqlite3'));
vi.mock('pg', () => moduleNotFound('pg'));

const server = await import('../../../src/server/index.js');

function request(body: unknown): Request {
  return new Request('http://localhost/api/chatkit', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('optional packages', () => {
  it('the entry imports and exports everything without them', () => {
    for (const name of ['createChatKitHandler', 'MemoryStore', 'SqliteStore', 'PostgresStore', 'chatkitServer', 'toNodeListener'] as const) {
      expect(typeof server[name]).toBe('function');
    }
  });

  it('managed-chatkit/server/agents without @openai/agents fails at import (the SDK is its point)', async () => {
    await expect(import('../../../src/server/agents.js')).rejects.toThrow(); // it is the SDK's own entry point, unlike managed-chatkit/server
  });

  it('{ agent } without @openai/agents: 500 to the client, the install command in the log; the next request retries', async () => {
    const lines: string[] = [];
    const handler = server.createChatKitHandler({ agent: {} as never, store: new server.MemoryStore(), rateLimit: false, context: () => ({ userId: 'u' }), logger: { warn: (line) => lines.push(line), error: (line) => lines.push(line) } });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const response = await handler(request({ type: 'threads.list', params: {} }));
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('npm install');
      expect(lines).toHaveLength(attempt);
      expect(lines.at(-1)).toMatch(/needs the package @openai\/agents \(npm install @openai\/agents@">=0.14"\)/);
    }
  });

  it('the default store without better-sqlite3: 500, and the log names better-sqlite3', async () => {
    const lines: string[] = [];
    const handler = server.createChatKitHandler({ respond: async function* () {}, context: () => ({ userId: 'u' }), logger: { warn: (line) => lines.push(line), error: (line) => lines.push(line) } });
    const response = await handler(request({ type: 'threads.list', params: {} }));
    expect(response.status).toBe(500);
    expect(lines.join('\n')).toMatch(/better-sqlite3/);
  });
});
