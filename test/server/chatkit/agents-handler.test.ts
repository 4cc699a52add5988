// createChatKitHandler({ agent }) end to end over real HTTP, with an Agent on the offline fake model: streamed
// deltas as the Python SDK sends them, history, server and client tools, widgets from tools, reasoning, a model
// error and guardrails leaving a consistent thread, and a client disconnect stopping the run.
import { Agent, Runner, run, setTracingDisabled, tool, type InputGuardrail, type OutputGuardrail } from '@openai/agents';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentContext, agentResponder, loadThreadHistory, simpleToAgentInput, streamAgentResponse } from '../../../src/server/chatkit/agents.js';
import { fakeModel, fakeModelProvider, type FakeModelOptions } from '../../fixtures/fake-model.js';
import { readEvents, startChatKit, userInput, type WireEvent } from './chatkit-client.js';

beforeAll(() => setTracingDisabled(true));

const kinds = (events: WireEvent[]) => events.map((event) => (event.type === 'thread.item.updated' ? event.update.type : event.type === 'thread.item.added' || event.type === 'thread.item.done' ? `${event.type}:${event.item.type}` : event.type));

async function startAgent(options: FakeModelOptions, agentOptions: Partial<ConstructorParameters<typeof Agent<AgentContext>>[0]> = {}) {
  const model = fakeModel(options);
  const agent = new Agent<AgentContext>({ name: 'Assistant', instructions: 'Be brief.', model, ...agentOptions });
  const started = await startChatKit({ agent });
  const client = started.client();
  const items = async (threadId: string) => (await started.store.loadThreadItems(threadId, null, 100, 'asc', client.context)).data;
  return { ...started, model, client, items };
}

describe('createChatKitHandler({ agent })', () => {
  it('streams the answer as chatkit-python does and saves it', async () => {
    const { client, items } = await startAgent({ reply: 'Hello, world!' });
    const answer = await client.createThread('Hi');
    expect(answer.status).toBe(200);
    expect(kinds(answer.events)).toEqual([
      'thread.created',
      'thread.item.done:user_message',
      'stream_options',
      'thread.item.added:assistant_message',
      'assistant_message.content_part.added',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.done',
      'thread.item.done:assistant_message',
    ]);
    const deltas = answer.events.filter((event) => event.update?.type === 'assistant_message.content_part.text_delta');
    expect(deltas.map((event) => event.update)).toEqual([
      { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'Hello, ' },
      { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'world!' },
    ]);
    const done = answer.events.at(-1)!;
    expect(done.item).toEqual({
      type: 'assistant_message', id: expect.stringMatching(/^msg_[0-9a-f]{32}$/), thread_id: answer.threadId,
      created_at: expect.any(String), content: [{ type: 'output_text', text: 'Hello, world!', annotations: [] }],
    });
    expect(answer.events[3]!.item.id).toBe(done.item.id);
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message', 'assistant_message']);
  });

  it('sends the whole history as input on the next turn', async () => {
    const { client, model, url } = await startAgent({ reply: (input) => `Turn ${input.length}` });
    const { threadId } = await client.createThread('First');
    const second = await client.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('Second') } });
    expect(second.events.at(-1)!.item.content[0].text).toBe('Turn 3');
    expect(model.stats.requests[1]!.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First' }] },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Turn 1' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Second' }] },
    ]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('streams models that send no Responses events (Chat Completions, other providers) the same way', async () => {
    const { client, items } = await startAgent({ reply: 'Hello, world!', responsesEvents: false });
    const answer = await client.createThread('Hi');
    expect(kinds(answer.events).slice(2)).toEqual([
      'stream_options',
      'thread.item.added:assistant_message',
      'assistant_message.content_part.added',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.done',
      'thread.item.done:assistant_message',
    ]);
    expect(answer.events.at(-1)!.item).toMatchObject({ id: expect.stringMatching(/^msg_[0-9a-f]{32}$/), content: [{ type: 'output_text', text: 'Hello, world!', annotations: [] }] });
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message', 'assistant_message']);
  });

  it('runs through the Runner, run options and history limit given to agentResponder', async () => {
    const provider = fakeModelProvider({ reply: (input) => `saw ${input.length} items` });
    const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
    const agent = new Agent<AgentContext>({ name: 'Named model', instructions: 'x', model: 'some-model-name' });
    const { client } = await startChatKit({ respond: agentResponder(agent, { runner, historyLimit: 2, runOptions: { maxTurns: 1 } }) }).then((started) => ({ client: started.client() }));
    const { threadId } = await client.createThread('one');
    const second = await client.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('two') } });
    expect(second.events.at(-1)!.item.content[0].text).toBe('saw 2 items');
    expect(provider.model.stats.requests).toHaveLength(2);
  });

  it('runs a multi-agent workflow written as respond (the docs example): a hidden classifier, then a streamed agent', async () => {
    const classifier = new Agent({ name: 'Classifier', model: fakeModel({ reply: 'billing' }) });
    const billing = new Agent<AgentContext>({ name: 'Billing', model: fakeModel({ reply: 'Your invoice is attached.' }) });
    const support = new Agent<AgentContext>({ name: 'Support', model: fakeModel({ reply: 'Try turning it off and on.' }) });
    const started = await startChatKit({
      async *respond(thread, _input, context, { store, signal, generateId }) {
        const history = await simpleToAgentInput(await loadThreadHistory(store, thread.id, context));
        const { finalOutput } = await run(classifier, history, { signal });
        const agentContext = new AgentContext({ thread, store, requestContext: context, generateId });
        const agent = finalOutput === 'billing' ? billing : support;
        yield* streamAgentResponse(agentContext, await run(agent, history, { stream: true, signal, context: agentContext }));
      },
    });
    const answer = await started.client().createThread('Where is my invoice?');
    const texts = answer.events.filter((event) => event.type === 'thread.item.done' && event.item.type === 'assistant_message').map((event) => event.item.content[0].text);
    expect(texts).toEqual(['Your invoice is attached.']);
  });

  it('sends citations as annotations', async () => {
    const { client } = await startAgent({ reply: 'See the docs.', citations: [{ url: 'https://example.com/docs', title: 'Docs' }] });
    const answer = await client.createThread('Where?');
    expect(answer.events).toContainEqual({
      type: 'thread.item.updated', item_id: expect.any(String),
      update: {
        type: 'assistant_message.content_part.annotation_added', content_index: 0, annotation_index: 0,
        annotation: { type: 'annotation', source: { type: 'url', url: 'https://example.com/docs', title: 'Docs' }, index: 13 },
      },
    });
    expect(answer.events.at(-1)!.item.content[0].annotations).toEqual([{ type: 'annotation', source: { type: 'url', url: 'https://example.com/docs', title: 'Docs' }, index: 13 }]);
  });

  it('shows reasoning as a workflow of thoughts that ends when the answer starts', async () => {
    const { client, items } = await startAgent({ reply: 'Done.', reasoning: ['Reading the question', 'Answering'] });
    const answer = await client.createThread('Think');
    expect(kinds(answer.events).slice(2)).toEqual([
      'stream_options',
      'thread.item.added:workflow',
      'workflow.task.added',
      'workflow.task.updated',
      'workflow.task.updated',
      'workflow.task.updated',
      'workflow.task.added',
      'thread.item.done:workflow',
      'thread.item.added:assistant_message',
      'assistant_message.content_part.added',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.done',
      'thread.item.done:assistant_message',
    ]);
    const workflow = answer.events.find((event) => event.type === 'thread.item.done' && event.item.type === 'workflow')!.item;
    expect(workflow.id).toMatch(/^wf_[0-9a-f]{32}$/);
    expect(workflow.workflow).toEqual({
      type: 'reasoning', expanded: false, summary: { duration: 0 },
      tasks: [{ type: 'thought', content: 'Reading the question' }, { type: 'thought', content: 'Answering' }],
    });
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message', 'workflow', 'assistant_message']);
  });

  it('runs a server tool that streams progress and a widget, then answers', async () => {
    const weather = tool({
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: z.object({ city: z.string() }),
      async execute({ city }, runContext) {
        const ctx = runContext!.context as AgentContext;
        await ctx.stream({ type: 'progress_update', icon: 'search', text: `Looking up ${city}…` });
        await ctx.streamWidget({ type: 'Card', children: [{ type: 'Text', value: `Sunny in ${city}` }] }, `Sunny in ${city}`);
        return `sunny in ${city}`;
      },
    });
    const { client, model, items } = await startAgent({ reply: 'It is sunny.', toolCall: { name: 'get_weather', arguments: { city: 'Paris' } } }, { tools: [weather] });
    const answer = await client.createThread('Weather in Paris?');
    expect(kinds(answer.events).slice(2)).toEqual([
      'stream_options',
      'progress_update',
      'thread.item.done:widget',
      'thread.item.added:assistant_message',
      'assistant_message.content_part.added',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.done',
      'thread.item.done:assistant_message',
    ]);
    expect(model.stats.requests).toHaveLength(2);
    expect(model.stats.requests[1]!.input).toContainEqual(expect.objectContaining({ type: 'function_call_result', name: 'get_weather' }));
    const stored = await items(answer.threadId);
    expect(stored.map((item) => item.type)).toEqual(['user_message', 'widget', 'assistant_message']);
    expect(stored[1]).toMatchObject({ id: expect.stringMatching(/^msg_/), copy_text: 'Sunny in Paris', widget: { type: 'Card' } });
  });

  it('hands a client tool call to the client, and continues with its output', async () => {
    const selection = tool({
      name: 'get_selection',
      description: 'The text the user selected',
      parameters: z.object({ format: z.string() }),
      async execute({ format }, runContext) {
        (runContext!.context as AgentContext).clientToolCall = { name: 'get_selection', arguments: { format } };
        return 'sent to the client';
      },
    });
    const { client, model, items } = await startAgent(
      { reply: (input) => `You selected ${JSON.stringify(input.at(-1))}`, toolCall: { name: 'get_selection', arguments: { format: 'text' } } },
      { tools: [selection], toolUseBehavior: { stopAtToolNames: ['get_selection'] } },
    );
    const first = await client.createThread('What did I select?');
    expect(kinds(first.events).slice(2)).toEqual(['stream_options', 'thread.item.done:client_tool_call']);
    const call = first.events.at(-1)!.item;
    expect(call).toMatchObject({ type: 'client_tool_call', status: 'pending', name: 'get_selection', arguments: { format: 'text' }, id: expect.stringMatching(/^fc_/), call_id: expect.stringMatching(/^call_/) });
    expect(model.stats.requests).toHaveLength(1);

    const second = await client.post({ type: 'threads.add_client_tool_output', params: { thread_id: first.threadId, result: { text: 'hello' } } });
    expect(second.status).toBe(200);
    expect(kinds(second.events).at(-1)).toBe('thread.item.done:assistant_message');
    expect(model.stats.requests[1]!.input.slice(-2)).toEqual([
      { type: 'function_call', callId: call.call_id, name: 'get_selection', arguments: '{"format":"text"}' },
      { type: 'function_call_result', callId: call.call_id, name: 'get_selection', status: 'completed', output: '{"text":"hello"}' },
    ]);
    const stored = await items(first.threadId);
    expect(stored.map((item) => item.type)).toEqual(['user_message', 'client_tool_call', 'assistant_message']);
    expect(stored[1]).toMatchObject({ status: 'completed', output: { text: 'hello' } });
  });

  it('keeps a workflow open across a client tool call and finishes it in place on the next turn', async () => {
    const lookup = tool({
      name: 'read_page',
      description: 'Reads the page in the browser',
      parameters: z.object({}),
      async execute(_args, runContext) {
        const ctx = runContext!.context as AgentContext;
        await ctx.addWorkflowTask({ type: 'custom', title: 'Reading the page' });
        ctx.clientToolCall = { name: 'read_page', arguments: {} };
        return 'asked the client';
      },
    });
    const { client, items } = await startAgent(
      { reply: 'The page is about cats.', toolCall: { name: 'read_page', arguments: {} } },
      { tools: [lookup], toolUseBehavior: { stopAtToolNames: ['read_page'] } },
    );
    const first = await client.createThread('What is this page about?');
    expect(kinds(first.events).slice(2)).toEqual(['stream_options', 'thread.item.added:workflow', 'thread.item.done:client_tool_call']);
    const workflowId = first.events[3]!.item.id;
    expect((await items(first.threadId)).map((item) => item.type)).toEqual(['user_message', 'workflow', 'client_tool_call']);

    const second = await client.post({ type: 'threads.add_client_tool_output', params: { thread_id: first.threadId, result: { text: 'cats' } } });
    const replaced = second.events.find((event) => event.type === 'thread.item.replaced');
    expect(replaced?.item).toMatchObject({ id: workflowId, workflow: { type: 'custom', expanded: false, summary: { duration: expect.any(Number) }, tasks: [{ title: 'Reading the page' }] } });
    expect(kinds(second.events).at(-1)).toBe('thread.item.done:assistant_message');
    const stored = await items(first.threadId);
    expect(stored.map((item) => item.type)).toEqual(['user_message', 'workflow', 'client_tool_call', 'assistant_message']);
    expect(stored[1]).toMatchObject({ id: workflowId, workflow: { summary: { duration: expect.any(Number) } } });
  });

  it('ends a model failure mid-answer with a retryable error and leaves a thread that loads and continues', async () => {
    const { client, items, model } = await startAgent({ reply: 'one two three four five', failAfter: 2, tokenMs: 20 });
    const answer = await client.createThread('Go');
    expect(kinds(answer.events).slice(2)).toEqual([
      'stream_options',
      'thread.item.added:assistant_message',
      'assistant_message.content_part.added',
      'assistant_message.content_part.text_delta',
      'assistant_message.content_part.text_delta',
      'error',
    ]);
    expect(answer.events.at(-1)).toMatchObject({ type: 'error', code: 'stream.error', allow_retry: true });
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message']);

    const loaded = await client.post({ type: 'threads.get_by_id', params: { thread_id: answer.threadId } });
    expect(loaded.status).toBe(200);
    expect(loaded.json.items.data.map((item: { type: string }) => item.type)).toEqual(['user_message']);

    model.options.failAfter = undefined;
    const retry = await client.post({ type: 'threads.retry_after_item', params: { thread_id: answer.threadId, item_id: loaded.json.items.data[0].id } });
    expect(kinds(retry.events).at(-1)).toBe('thread.item.done:assistant_message');
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message', 'assistant_message']);
  });

  it('answers a tripped input guardrail with an error event and keeps no answer', async () => {
    const blockAll: InputGuardrail = { name: 'block_all', execute: async () => ({ tripwireTriggered: true, outputInfo: 'blocked' }) };
    const { client, items } = await startAgent({ reply: 'Should not be kept.', firstTokenMs: 20 }, { inputGuardrails: [blockAll] });
    const answer = await client.createThread('Something bad');
    expect(answer.events.at(-1)).toEqual({ type: 'error', code: 'custom', message: 'This message was blocked by a guardrail.', allow_retry: false });
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message']);
  });

  it('removes the streamed answer when an output guardrail trips', async () => {
    const blockAnswer: OutputGuardrail = { name: 'block_answer', execute: async () => ({ tripwireTriggered: true, outputInfo: 'nope' }) };
    const { client, items } = await startAgent({ reply: 'A risky answer.' }, { outputGuardrails: [blockAnswer] });
    const answer = await client.createThread('Tell me');
    const done = answer.events.find((event) => event.type === 'thread.item.done' && event.item.type === 'assistant_message')!;
    expect(answer.events.slice(-2)).toEqual([
      { type: 'thread.item.removed', item_id: done.item.id },
      { type: 'error', code: 'custom', message: 'The assistant\'s response was blocked.', allow_retry: false },
    ]);
    expect((await items(answer.threadId)).map((item) => item.type)).toEqual(['user_message']);
  });

  it('stops the run when the client disconnects and keeps what was streamed', async () => {
    const reply = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const { client, model, items } = await startAgent({ reply, tokenMs: 10 });
    const controller = new AbortController();
    const response = await client.send({ type: 'threads.create', params: { input: userInput('Tell me a long story') } }, { signal: controller.signal });
    let threadId = '';
    let deltas = 0;
    for await (const event of readEvents(response)) {
      if (event.type === 'thread.created') threadId = event.thread.id;
      if (event.update?.type === 'assistant_message.content_part.text_delta' && ++deltas === 3) break;
    }
    controller.abort();
    await expect.poll(() => model.stats.aborted, { timeout: 2000 }).toBe(true);
    const chunksAtStop = model.stats.chunks;
    expect(chunksAtStop).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(model.stats.chunks).toBe(chunksAtStop);
    expect(model.stats.unfinished).toBe(1);

    await expect.poll(async () => (await items(threadId)).map((item) => item.type), { timeout: 2000 }).toEqual(['user_message', 'assistant_message', 'sdk_hidden_context']);
    const [, partial] = await items(threadId);
    expect((partial as { content: Array<{ text: string }> }).content[0]!.text).toMatch(/^word0 word1 word2/);
  });
});
