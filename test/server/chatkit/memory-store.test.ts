import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/server/chatkit/store/memory-store.js';
import { defaultGenerateId } from '../../../src/server/chatkit/store/store.js';
import { describeStore } from './store-suite.js';

describeStore('MemoryStore', async () => new MemoryStore());

describe('defaultGenerateId (test_default_id_generators_use_default_prefixes)', () => {
  it('uses the Python SDK prefixes and 128 random bits', () => {
    const expected = { thread: 'thr', message: 'msg', tool_call: 'tc', task: 'tsk', workflow: 'wf', attachment: 'atc', sdk_hidden_context: 'shcx' } as const;
    for (const [type, prefix] of Object.entries(expected)) {
      expect(defaultGenerateId(type as keyof typeof expected)).toMatch(new RegExp(`^${prefix}_[0-9a-f]{32}$`));
    }
    expect(defaultGenerateId('thread')).not.toBe(defaultGenerateId('thread'));
  });
});
