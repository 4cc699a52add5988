// The offline fake model (test/fixtures/fake-model.ts) that the agent tests, the demo, the bench and the load test use.
import { Agent, run, setTracingDisabled } from '@openai/agents';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeModelError, chunkText, fakeModel } from '../../fixtures/fake-model.js';

beforeAll(() => setTracingDisabled(true));

describe('fakeModel', () => {
  it('answers non-streamed runs too, echoing the last user message by default', async () => {
    const model = fakeModel();
    const result = await run(new Agent({ name: 'A', model }), 'ping');
    expect(result.finalOutput).toBe('You said: ping');
  });

  it('streams word chunks after its first-token delay', async () => {
    const model = fakeModel({ reply: 'one two three', firstTokenMs: 40, tokenMs: 5 });
    const result = await run(new Agent({ name: 'A', model }), 'go', { stream: true });
    const deltas: string[] = [];
    for await (const event of result) if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') deltas.push(event.data.delta);
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(chunkText('a  b')).toEqual(['a  ', 'b']);
    expect(model.stats.firstTokenAt[0]! - model.stats.requestAt[0]!).toBeGreaterThanOrEqual(39);
    expect(model.stats.chunks).toBe(3);
  });

  it('fails after N chunks with FakeModelError', async () => {
    const model = fakeModel({ reply: 'a b c d', failAfter: 2 });
    const result = await run(new Agent({ name: 'A', model }), 'go', { stream: true });
    await expect(async () => { for await (const _ of result) { /* drain */ } }).rejects.toBeInstanceOf(FakeModelError);
    expect(model.stats.chunks).toBe(2);
    expect(model.stats.unfinished).toBe(1);
  });
});
