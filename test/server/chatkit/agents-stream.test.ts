// streamAgentResponse: chatkit-python's tests/test_agents.py stream cases, rewritten for @openai/agents (TypeScript).
// A hand-fed run stream stands in for StreamedRunResult, so each case controls exactly which SDK events arrive.
import { InputGuardrailTripwireTriggered, OutputGuardrailTripwireTriggered, type RunStreamEvent } from '@openai/agents';
import { describe, expect, it, vi } from 'vitest';
import {
  AgentContext,
  ResponseStreamConverter,
  accumulateText,
  streamAgentResponse,
  type StreamedRun,
} from '../../../src/server/chatkit/agents.js';
import type { Store } from '../../../src/server/chatkit/store/store.js';
import type { Annotation, ThreadItem, ThreadMetadata, ThreadStreamEvent, WidgetRoot, WorkflowItem } from '../../../src/server/chatkit/types.js';

const thread: ThreadMetadata = { id: 'thr_123', title: 'Test', created_at: new Date().toISOString(), status: { type: 'active' }, metadata: {} };

function fakeStore(items: ThreadItem[] = []) {
  const saveItem = vi.fn(async () => {});
  const store = {
    loadThreadItems: vi.fn(async () => ({ data: [...items].reverse().slice(0, 2), has_more: false, after: null })),
    saveItem,
  } as unknown as Store;
  return { store, saveItem };
}

function makeContext(items: ThreadItem[] = []) {
  const { store, saveItem } = fakeStore(items);
  const context = new AgentContext({ thread, store, requestContext: { userId: 'u1' }, generateId: (type) => `${type}_id` });
  return { context, saveItem };
}

/** A run whose events the test feeds by hand. */
function makeRun() {
  let controller!: ReadableStreamDefaultController<RunStreamEvent>;
  let cancelled = false;
  const stream = new ReadableStream<RunStreamEvent>({
    start(c) { controller = c; },
    cancel() { cancelled = true; },
  });
  const run = {
    toStream: () => stream,
    get cancelled() { return false; },
    add(event: RunStreamEvent) { controller.enqueue(event); },
    /** A raw Responses API event, as the OpenAI Responses model forwards it. */
    raw(event: Record<string, unknown>) {
      controller.enqueue({ type: 'raw_model_stream_event', data: { type: 'model', event, providerData: { rawModelEventSource: 'openai-responses' } } } as unknown as RunStreamEvent);
    },
    done() { controller.close(); },
    fail(error: unknown) { controller.error(error); },
    get streamCancelled() { return cancelled; },
  };
  return run as typeof run & StreamedRun;
}

async function all(events: AsyncIterable<ThreadStreamEvent>): Promise<ThreadStreamEvent[]> {
  const out: ThreadStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const toolCalled = (rawItem: Record<string, unknown> = { type: 'hosted_tool_call', name: 'x' }) =>
  ({ type: 'run_item_stream_event', name: 'tool_called', item: { type: 'tool_call_item', rawItem } }) as unknown as RunStreamEvent;

const message = (id: string, content: unknown[] = [], status = 'completed') => ({ id, type: 'message', role: 'assistant', status, content });
const outputText = (text: string, annotations: unknown[] = []) => ({ type: 'output_text', text, annotations });

describe('streamAgentResponse: widgets and client tool calls from tools', () => {
  it('streams a finished widget as one thread.item.done', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.add(toolCalled());
    await context.streamWidget({ type: 'Card', children: [{ type: 'Text', value: 'Hello, world!' }] });
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'thread.item.done', item: { type: 'widget', widget: { type: 'Card', children: [{ type: 'Text', value: 'Hello, world!' }] } } });
  });

  it('streams widget states: added, then text deltas, then done', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.add(toolCalled());
    const render = (i: number): WidgetRoot => ({ type: 'Card', children: [{ type: 'Text', id: 'text', value: 'Hello, world'.slice(0, i) }] });
    await context.streamWidget((async function* () { yield render(0); yield render(12); })());
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events.map((event) => event.type)).toEqual(['thread.item.added', 'thread.item.updated', 'thread.item.done']);
    expect(events[0]).toMatchObject({ item: { type: 'widget', widget: render(0) } });
    expect(events[1]).toMatchObject({ update: { type: 'widget.streaming_text.value_delta', component_id: 'text', delta: 'Hello, world' } });
    expect(events[2]).toMatchObject({ item: { widget: render(12) } });
  });

  it('replaces the whole widget when a state is not an append', async () => {
    const { context } = makeContext();
    const run = makeRun();
    const second: WidgetRoot = { type: 'Card', children: [{ type: 'Text', key: 'other text', value: 'World!', streaming: false }] };
    await context.streamWidget((async function* () { yield { type: 'Card', children: [{ type: 'Text', id: 'text', value: 'Hello!' }] } as WidgetRoot; yield second; })());
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events.map((event) => event.type)).toEqual(['thread.item.added', 'thread.item.updated', 'thread.item.done']);
    expect(events[1]).toMatchObject({ update: { type: 'widget.root.updated', widget: second } });
    expect(events[2]).toMatchObject({ item: { widget: second } });
  });

  it('ends with a pending client_tool_call that reuses the function call ids', async () => {
    const { context } = makeContext();
    context.clientToolCall = { name: 'get_selection', arguments: {} };
    const run = makeRun();
    run.add(toolCalled({ type: 'function_call', id: 'fc_123', callId: 'call_123', name: 'get_selection', arguments: '{}', status: 'completed' }));
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events).toEqual([{
      type: 'thread.item.done',
      item: { type: 'client_tool_call', id: 'fc_123', call_id: 'call_123', status: 'pending', name: 'get_selection', arguments: {}, thread_id: thread.id, created_at: expect.any(String) },
    }]);
  });
});

describe('streamAgentResponse: merging', () => {
  it('yields tool events while the run is still going, and ends when the run ends', async () => {
    const { context } = makeContext();
    const run = makeRun();
    await context.stream({ type: 'thread.item.added', item: { type: 'widget', id: '123', thread_id: thread.id, created_at: thread.created_at, widget: { type: 'Card', children: [] } } });
    const stream = streamAgentResponse(context, run);
    expect((await stream.next()).value).toMatchObject({ type: 'thread.item.added' });
    let settled = false;
    const next = stream.next().then((result) => { settled = true; return result; });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    run.done();
    expect((await next).done).toBe(true);
  });

  it('interleaves tool events with model events', async () => {
    const { context } = makeContext();
    const run = makeRun();
    await context.stream({ type: 'progress_update', text: 'Searching…' });
    run.raw({ type: 'response.output_text.delta', item_id: '123', content_index: 0, delta: 'Hello, world!', output_index: 0, sequence_number: 0 });
    const stream = streamAgentResponse(context, run);
    const first = await stream.next();
    const second = await stream.next();
    expect(new Set([first.value!.type, second.value!.type])).toEqual(new Set(['progress_update', 'thread.item.updated']));
    run.done();
    expect((await stream.next()).done).toBe(true);
  });

  it('keeps a run failure for the next pull when it happens while the consumer holds a yield', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.output_text.delta', item_id: 'm', content_index: 0, delta: 'Hi', output_index: 0 });
    const stream = streamAgentResponse(context, run);
    await stream.next();
    run.fail(new Error('model down'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(stream.next()).rejects.toThrow('model down');
  });

  it('cancels the run when converting one of its events fails', async () => {
    class Broken extends ResponseStreamConverter {
      override async urlCitationToAnnotation(): Promise<Annotation> {
        throw new Error('broken converter');
      }
    }
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.output_text.annotation.added', annotation: { type: 'url_citation', url: 'https://x', title: 'x', start_index: 0, end_index: 1 }, content_index: 0, item_id: 'm', annotation_index: 0, output_index: 0 });
    await expect(all(streamAgentResponse(context, run, { converter: new Broken() }))).rejects.toThrow('broken converter');
    expect(run.streamCancelled).toBe(true);
  });

  it('cancels the run when the consumer stops early', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.output_text.delta', item_id: 'm', content_index: 0, delta: 'Hi', output_index: 0 });
    const stream = streamAgentResponse(context, run);
    await stream.next();
    await stream.return(undefined);
    expect(run.streamCancelled).toBe(true);
  });
});

describe('streamAgentResponse: Responses events → ChatKit events', () => {
  const cases: Array<[string, Record<string, unknown>, ThreadStreamEvent]> = [
    [
      'output_text.delta',
      { type: 'response.output_text.delta', delta: 'Hello, world!', content_index: 0, item_id: '123', logprobs: [], output_index: 0, sequence_number: 0 },
      { type: 'thread.item.updated', item_id: '123', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'Hello, world!' } },
    ],
    [
      'content_part.added',
      { type: 'response.content_part.added', part: outputText('New content'), content_index: 1, item_id: '123', output_index: 0, sequence_number: 1 },
      {
        type: 'thread.item.updated', item_id: '123',
        update: { type: 'assistant_message.content_part.added', content_index: 1, content: { type: 'output_text', text: 'New content', annotations: [] } },
      },
    ],
    [
      'output_text.done',
      { type: 'response.output_text.done', text: 'Final text', content_index: 0, item_id: '123', logprobs: [], output_index: 0, sequence_number: 2 },
      {
        type: 'thread.item.updated', item_id: '123',
        update: { type: 'assistant_message.content_part.done', content_index: 0, content: { type: 'output_text', text: 'Final text', annotations: [] } },
      },
    ],
    [
      'output_text.annotation.added',
      {
        type: 'response.output_text.annotation.added', annotation: { type: 'file_citation', file_id: 'file_123', filename: 'file.txt', index: 5 },
        content_index: 0, item_id: '123', annotation_index: 0, output_index: 0, sequence_number: 3,
      },
      {
        type: 'thread.item.updated', item_id: '123',
        update: {
          type: 'assistant_message.content_part.annotation_added', content_index: 0, annotation_index: 0,
          annotation: { type: 'annotation', source: { type: 'file', filename: 'file.txt', title: 'file.txt' }, index: 5 },
        },
      },
    ],
  ];
  it.each(cases)('maps %s', async (_name, raw, expected) => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw(raw);
    run.done();
    expect(await all(streamAgentResponse(context, run))).toEqual([expected]);
  });

  it('drops annotations it cannot convert and numbers the rest without gaps', async () => {
    const { context } = makeContext();
    const run = makeRun();
    const annotations = [
      { type: 'file_citation', file_id: 'file_invalid', filename: '', index: 0 },
      { type: 'container_file_citation', container_id: 'container_1', file_id: 'file_123', filename: 'container.txt', start_index: 0, end_index: 3 },
      { type: 'url_citation', url: 'https://example.com', title: 'Example', start_index: 1, end_index: 5 },
    ];
    for (const [index, annotation] of annotations.entries()) {
      run.raw({ type: 'response.output_text.annotation.added', annotation, content_index: 0, item_id: 'item_123', annotation_index: index, output_index: 0 });
    }
    run.done();
    expect(await all(streamAgentResponse(context, run))).toEqual([
      {
        type: 'thread.item.updated', item_id: 'item_123',
        update: {
          type: 'assistant_message.content_part.annotation_added', content_index: 0, annotation_index: 0,
          annotation: { type: 'annotation', source: { type: 'file', filename: 'container.txt', title: 'container.txt' }, index: 3 },
        },
      },
      {
        type: 'thread.item.updated', item_id: 'item_123',
        update: {
          type: 'assistant_message.content_part.annotation_added', content_index: 0, annotation_index: 1,
          annotation: { type: 'annotation', source: { type: 'url', url: 'https://example.com', title: 'Example' }, index: 5 },
        },
      },
    ]);
  });

  it('uses a custom ResponseStreamConverter for annotations, streamed and in the finished message', async () => {
    const calls: string[] = [];
    class Custom extends ResponseStreamConverter {
      override async fileCitationToAnnotation(): Promise<Annotation> {
        calls.push('file_citation');
        return { type: 'annotation', source: { type: 'file', filename: 'report.pdf', title: 'Usage Report', description: 'Usage report for the month of January' }, index: 111 };
      }
      override async urlCitationToAnnotation(): Promise<Annotation> {
        calls.push('url_citation');
        return { type: 'annotation', source: { type: 'url', url: 'https://custom.example/url', title: 'Custom' }, index: 222 };
      }
    }
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.output_text.annotation.added', annotation: { type: 'file_citation', file_id: 'file_123', filename: 'file.txt', index: 0 }, content_index: 0, item_id: 'm_1', annotation_index: 0, output_index: 0 });
    run.raw({
      type: 'response.output_item.done', output_index: 0,
      item: message('m_1', [outputText('Hello!', [{ type: 'url_citation', url: 'https://example.com', title: 'Example', start_index: 0, end_index: 7 }])]),
    });
    run.done();
    const events = await all(streamAgentResponse(context, run, { converter: new Custom() }));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ item_id: 'm_1', update: { annotation: { index: 111, source: { title: 'Usage Report' } } } });
    expect(events[1]).toMatchObject({
      type: 'thread.item.done',
      item: { type: 'assistant_message', id: 'm_1', content: [{ type: 'output_text', text: 'Hello!', annotations: [{ index: 222, source: { url: 'https://custom.example/url' } }] }] },
    });
    expect(calls).toEqual(['file_citation', 'url_citation']);
  });

  it('converts every content part of a finished message, ignoring other output items', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.output_item.done', output_index: 0, item: { id: 'fs_0', type: 'file_search_call', queries: ['Hello'], status: 'completed', results: [] } });
    run.raw({
      type: 'response.output_item.done', output_index: 1,
      item: message('1', [
        outputText('Hello, world!', [
          { type: 'file_citation', file_id: 'f_123', index: 0, filename: 'test.txt' },
          { type: 'container_file_citation', container_id: 'c', file_id: 'f_456', filename: 'container.txt', start_index: 0, end_index: 3 },
          { type: 'url_citation', url: 'https://www.google.com', title: 'Google', start_index: 0, end_index: 10 },
          { type: 'file_path', file_id: '123', index: 0 },
        ]),
        outputText("Can't do that"),
      ]),
    });
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'thread.item.done', item: { id: '1', type: 'assistant_message' } });
    expect((events[0] as { item: { content: unknown } }).item.content).toEqual([
      {
        type: 'output_text', text: 'Hello, world!',
        annotations: [
          { type: 'annotation', source: { type: 'file', filename: 'test.txt', title: 'test.txt' }, index: 0 },
          { type: 'annotation', source: { type: 'file', filename: 'container.txt', title: 'container.txt' }, index: 3 },
          { type: 'annotation', source: { type: 'url', url: 'https://www.google.com', title: 'Google' }, index: 10 },
        ],
      },
      { type: 'output_text', text: "Can't do that", annotations: [] },
    ]);
  });

  it('streams a whole assistant message as Python does: added, part added, deltas, part done, done', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.created', response: { id: 'resp_1' } });
    run.raw({ type: 'response.output_item.added', output_index: 0, item: message('msg_1', [], 'in_progress') });
    run.raw({ type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: outputText('') });
    run.raw({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello, ' });
    run.raw({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'world!' });
    run.raw({ type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: 'Hello, world!' });
    run.raw({ type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: outputText('Hello, world!') });
    run.raw({ type: 'response.output_item.done', output_index: 0, item: message('msg_1', [outputText('Hello, world!')]) });
    run.raw({ type: 'response.completed', response: { id: 'resp_1' } });
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events).toEqual([
      { type: 'thread.item.added', item: { type: 'assistant_message', id: 'msg_1', thread_id: thread.id, created_at: expect.any(String), content: [] } },
      { type: 'thread.item.updated', item_id: 'msg_1', update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } } },
      { type: 'thread.item.updated', item_id: 'msg_1', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'Hello, ' } },
      { type: 'thread.item.updated', item_id: 'msg_1', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'world!' } },
      { type: 'thread.item.updated', item_id: 'msg_1', update: { type: 'assistant_message.content_part.done', content_index: 0, content: { type: 'output_text', text: 'Hello, world!', annotations: [] } } },
      { type: 'thread.item.done', item: { type: 'assistant_message', id: 'msg_1', thread_id: thread.id, created_at: expect.any(String), content: [{ type: 'output_text', text: 'Hello, world!', annotations: [] }] } },
    ]);
  });

  it('builds the message from text deltas for models that do not send Responses events', async () => {
    const { context } = makeContext();
    const run = makeRun();
    const delta = (text: string) => ({ type: 'raw_model_stream_event', data: { type: 'output_text_delta', delta: text } }) as RunStreamEvent;
    run.add({ type: 'raw_model_stream_event', data: { type: 'response_started' } } as RunStreamEvent);
    run.add(delta('Hello, '));
    run.add(delta('world!'));
    run.add({
      type: 'raw_model_stream_event',
      data: { type: 'response_done', response: { id: 'r', usage: {}, output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello, world!' }] }] } },
    } as unknown as RunStreamEvent);
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events.map((event) => [event.type, 'update' in event ? event.update.type : null])).toEqual([
      ['thread.item.added', null],
      ['thread.item.updated', 'assistant_message.content_part.added'],
      ['thread.item.updated', 'assistant_message.content_part.text_delta'],
      ['thread.item.updated', 'assistant_message.content_part.text_delta'],
      ['thread.item.updated', 'assistant_message.content_part.done'],
      ['thread.item.done', null],
    ]);
    expect(events.at(-1)).toMatchObject({ item: { id: 'message_id', content: [{ text: 'Hello, world!' }] } });
  });
});

describe('streamAgentResponse: guardrails', () => {
  it.each(['input', 'output'] as const)('removes every item the turn produced when the %s guardrail trips, then throws', async (kind) => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw({ type: 'response.output_item.added', output_index: 0, item: message('1', [outputText('Hello, world!')]) });
    await context.stream({ type: 'thread.item.added', item: { type: 'assistant_message', id: '2', thread_id: thread.id, created_at: thread.created_at, content: [] } });
    await context.stream({ type: 'thread.item.done', item: { type: 'widget', id: '3', thread_id: thread.id, created_at: thread.created_at, widget: { type: 'Card', children: [] } } });
    const stream = streamAgentResponse(context, run);
    const events: ThreadStreamEvent[] = [];
    for (let i = 0; i < 3; i++) events.push((await stream.next()).value as ThreadStreamEvent);

    const tripwire = kind === 'input'
      ? new InputGuardrailTripwireTriggered('blocked', { guardrail: { type: 'input', name: 'g' }, output: { tripwireTriggered: true, outputInfo: null } } as never)
      : new OutputGuardrailTripwireTriggered('blocked', { guardrail: { type: 'output', name: 'g' }, output: { tripwireTriggered: true, outputInfo: null } } as never);
    run.fail(tripwire);
    await expect(async () => { for await (const event of stream) events.push(event); }).rejects.toBe(tripwire);
    const removed = events.filter((event) => event.type === 'thread.item.removed').map((event) => (event as { item_id: string }).item_id);
    expect(new Set(removed)).toEqual(new Set(['1', '2', '3']));
  });
});

describe('streamAgentResponse: generated images', () => {
  const imageEvents = (run: ReturnType<typeof makeRun>, partial = false) => {
    run.raw({ type: 'response.output_item.added', output_index: 0, item: { type: 'image_generation_call', id: 'img_call_1' } });
    if (partial) run.raw({ type: 'response.image_generation_call.partial_image', partial_image_b64: 'dGVzdA==', partial_image_index: 1, item_id: 'img_call_1', output_index: 0 });
    run.raw({ type: 'response.output_item.done', output_index: 0, item: { type: 'image_generation_call', id: 'img_call_1', result: 'dGVzdA==' } });
    run.done();
  };

  it('adds a generated_image item and finishes it with a data URL', async () => {
    const { context } = makeContext();
    const run = makeRun();
    imageEvents(run);
    const events = await all(streamAgentResponse(context, run));
    expect(events).toEqual([
      { type: 'thread.item.added', item: { type: 'generated_image', id: 'message_id', thread_id: thread.id, created_at: expect.any(String), image: null } },
      { type: 'thread.item.done', item: { type: 'generated_image', id: 'message_id', thread_id: thread.id, created_at: expect.any(String), image: { id: 'img_call_1', url: 'data:image/png;base64,dGVzdA==' } } },
    ]);
  });

  it('asks a custom converter for the image URL', async () => {
    const calls: unknown[] = [];
    class Custom extends ResponseStreamConverter {
      override async base64ImageToUrl(imageId: string, base64: string, partialIndex?: number) {
        calls.push([imageId, base64, partialIndex]);
        return `https://example.com/${imageId}`;
      }
    }
    const { context } = makeContext();
    const run = makeRun();
    imageEvents(run);
    const events = await all(streamAgentResponse(context, run, { converter: new Custom() }));
    expect(calls).toEqual([['img_call_1', 'dGVzdA==', undefined]]);
    expect(events[1]).toMatchObject({ item: { image: { id: 'img_call_1', url: 'https://example.com/img_call_1' } } });
  });

  it('reports partial images with normalised progress', async () => {
    const { context } = makeContext();
    const run = makeRun();
    imageEvents(run, true);
    const events = await all(streamAgentResponse(context, run, { converter: new ResponseStreamConverter({ partialImages: 3 }) }));
    expect(events.map((event) => event.type)).toEqual(['thread.item.added', 'thread.item.updated', 'thread.item.done']);
    const update = (events[1] as { update: { type: string; progress: number; image: unknown } }).update;
    expect(update.type).toBe('generated_image.updated');
    expect(update.progress).toBeCloseTo(1 / 3);
    expect(update.image).toEqual({ id: 'img_call_1', url: 'data:image/png;base64,dGVzdA==' });
  });
});

describe('streamAgentResponse: reasoning workflows', () => {
  const reasoningAdded = { type: 'response.output_item.added', output_index: 0, item: { id: 'resp_1', type: 'reasoning', summary: [] } };

  it('streams the first thought, adds later ones when done', async () => {
    const { context } = makeContext();
    const run = makeRun();
    run.raw(reasoningAdded);
    run.raw({ type: 'response.reasoning_summary_text.delta', item_id: 'resp_1', summary_index: 0, delta: 'Think' });
    run.raw({ type: 'response.reasoning_summary_text.delta', item_id: 'resp_1', summary_index: 0, delta: 'ing 1' });
    run.raw({ type: 'response.reasoning_summary_text.done', item_id: 'resp_1', summary_index: 0, text: 'Thinking 1' });
    run.raw({ type: 'response.reasoning_summary_text.delta', item_id: 'resp_1', summary_index: 1, delta: 'Think' });
    run.raw({ type: 'response.reasoning_summary_text.delta', item_id: 'resp_1', summary_index: 1, delta: 'ing 2' });
    run.raw({ type: 'response.reasoning_summary_text.done', item_id: 'resp_1', summary_index: 1, text: 'Thinking 2' });
    run.done();
    const stream = streamAgentResponse(context, run);

    const added = (await stream.next()).value;
    expect(context.workflowItem?.workflow.type).toBe('reasoning');
    expect(added).toEqual({ type: 'thread.item.added', item: { type: 'workflow', id: 'workflow_id', thread_id: thread.id, created_at: expect.any(String), workflow: { type: 'reasoning', tasks: [] } } });
    const workflowId = context.workflowItem!.id;
    expect((await stream.next()).value).toEqual({ type: 'thread.item.updated', item_id: workflowId, update: { type: 'workflow.task.added', task: { type: 'thought', content: 'Think' }, task_index: 0 } });
    expect((await stream.next()).value).toEqual({ type: 'thread.item.updated', item_id: workflowId, update: { type: 'workflow.task.updated', task: { type: 'thought', content: 'Thinking 1' }, task_index: 0 } });
    expect((await stream.next()).value).toEqual({ type: 'thread.item.updated', item_id: workflowId, update: { type: 'workflow.task.updated', task: { type: 'thought', content: 'Thinking 1' }, task_index: 0 } });
    // The second thought is not streamed: it arrives whole.
    expect((await stream.next()).value).toEqual({ type: 'thread.item.updated', item_id: workflowId, update: { type: 'workflow.task.added', task: { type: 'thought', content: 'Thinking 2' }, task_index: 1 } });
    expect(context.workflowItem!.workflow.tasks).toHaveLength(2);
    await all(stream);
  });

  it('ends the workflow with a duration summary, collapsed, when the message starts; an open one is kept at the end', async () => {
    const { context, saveItem } = makeContext();
    const run = makeRun();
    run.raw(reasoningAdded);
    run.raw({ type: 'response.reasoning_summary_text.done', item_id: 'resp_1', summary_index: 0, text: 'Thinking 1' });
    run.raw({ type: 'response.output_item.added', output_index: 1, item: message('m_1', [], 'in_progress') });
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events.map((event) => event.type)).toEqual(['thread.item.added', 'thread.item.updated', 'thread.item.done', 'thread.item.added']);
    expect(events[2]).toMatchObject({ item: { type: 'workflow', workflow: { summary: { duration: 0 }, expanded: false, tasks: [{ type: 'thought', content: 'Thinking 1' }] } } });
    expect(context.workflowItem).toBeNull();
    expect(saveItem).not.toHaveBeenCalled();

    const open = makeContext();
    const openRun = makeRun();
    openRun.raw(reasoningAdded);
    openRun.done();
    await all(streamAgentResponse(open.context, openRun));
    expect(open.saveItem).toHaveBeenCalledWith(thread.id, expect.objectContaining({ type: 'workflow' }), { userId: 'u1' });
  });

  it('keeps a summary set earlier when the workflow ends on its own', async () => {
    const { context } = makeContext();
    context.workflowItem = { type: 'workflow', id: 'wf_1', thread_id: thread.id, created_at: thread.created_at, workflow: { type: 'custom', tasks: [], summary: { title: 'Test' } } };
    const run = makeRun();
    run.raw({ type: 'response.output_item.added', output_index: 0, item: message('m_1', [], 'in_progress') });
    run.done();
    const events = await all(streamAgentResponse(context, run));
    expect(events[0]).toMatchObject({ type: 'thread.item.done', item: { type: 'workflow', workflow: { summary: { title: 'Test' } } } });
    expect(context.workflowItem).toBeNull();
  });

  it('continues the workflow the last turn left open and replaces it in place when it ends', async () => {
    const stored: WorkflowItem = { type: 'workflow', id: 'wf_open', thread_id: thread.id, created_at: thread.created_at, workflow: { type: 'custom', tasks: [{ type: 'custom', title: 'Step 1' }] } };
    const { context } = makeContext([stored, { type: 'client_tool_call', id: 'tc_1', thread_id: thread.id, created_at: thread.created_at, status: 'completed', call_id: 'c', name: 'n', arguments: {} }]);
    const run = makeRun();
    await context.stream({ type: 'progress_update', text: 'Working' });
    const stream = streamAgentResponse(context, run);
    const events = [(await stream.next()).value as ThreadStreamEvent];
    // A tool of this turn adds a task to the continued workflow; then the answer starts.
    await context.addWorkflowTask({ type: 'custom', title: 'Step 2' });
    run.raw({ type: 'response.output_item.added', output_index: 0, item: message('m_1', [], 'in_progress') });
    run.done();
    events.push(...await all(stream));
    expect(events).toContainEqual({ type: 'thread.item.updated', item_id: 'wf_open', update: { type: 'workflow.task.added', task: { type: 'custom', title: 'Step 2' }, task_index: 1 } });
    const ended = events.find((event) => event.type === 'thread.item.replaced');
    expect(ended).toMatchObject({ item: { id: 'wf_open', workflow: { tasks: [{ title: 'Step 1' }, { title: 'Step 2' }] } } });
    expect(events.some((event) => event.type === 'thread.item.done' && event.item.id === 'wf_open')).toBe(false);
  });
});

describe('AgentContext workflows', () => {
  it('announces a custom workflow with its first task, updates tasks, and ends with the given summary', async () => {
    const { context } = makeContext();
    await context.startWorkflow({ type: 'custom', tasks: [] });
    await context.addWorkflowTask({ type: 'custom', title: 'Search' });
    await context.addWorkflowTask({ type: 'custom', title: 'Read' });
    await context.updateWorkflowTask({ type: 'custom', title: 'Read', status_indicator: 'complete' }, 1);
    await context.endWorkflow({ title: 'Done' }, true);
    const events = context.events.takeAll();
    expect(events.map((event) => [event.type, 'update' in event ? event.update.type : null])).toEqual([
      ['thread.item.added', null],
      ['thread.item.updated', 'workflow.task.added'],
      ['thread.item.updated', 'workflow.task.updated'],
      ['thread.item.done', null],
    ]);
    expect(events[3]).toMatchObject({ item: { workflow: { summary: { title: 'Done' }, expanded: true, tasks: [{ title: 'Search' }, { title: 'Read', status_indicator: 'complete' }] } } });
    expect(context.workflowItem).toBeNull();
  });
});

describe('accumulateText', () => {
  it('yields the widget with the text so far, then a final copy that stops streaming', async () => {
    const delta = (text: string) => ({ type: 'raw_model_stream_event', data: { type: 'output_text_delta', delta: text } }) as RunStreamEvent;
    async function* events() { yield delta('Hello, '); yield delta('world!'); }
    const widgets = [];
    for await (const widget of accumulateText(events(), { type: 'Text', key: 'text', value: '', streaming: true })) widgets.push(widget);
    expect(widgets).toEqual([
      { type: 'Text', key: 'text', value: '', streaming: true },
      { type: 'Text', key: 'text', value: 'Hello, ', streaming: true },
      { type: 'Text', key: 'text', value: 'Hello, world!', streaming: true },
      { type: 'Text', key: 'text', value: 'Hello, world!', streaming: false },
    ]);
  });
});
