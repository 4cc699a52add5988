/**
 * chatkit-python 1.6.5's tests/test_chatkit_server.py, ported: each test is named after the Python test it ports,
 * and drives createChatKitHandler over real HTTP (127.0.0.1, toNodeListener) with raw JSON, reading the SSE bytes
 * back as ChatKit.js would. Expectations are the Python ones, rewritten for this API.
 */
import { describe, expect, it } from 'vitest';
import { CustomStreamError, StreamError } from '../../../src/server/chatkit/errors.js';
import type { AttachmentStore, Respond } from '../../../src/server/chatkit/server.js';
import type {
  AssistantMessageItem,
  Attachment,
  ClientToolCallItem,
  StructuredInputItem,
  ThreadStreamEvent,
  UserMessageItem,
  WidgetItem,
  WidgetRoot,
  WorkflowItem,
} from '../../../src/server/chatkit/types.js';
import { streamWidget } from '../../../src/server/chatkit/widgets.js';
import { now, startChatKit, userInput } from './chatkit-client.js';

const assistant = (id: string, threadId: string, text: string): AssistantMessageItem => ({
  type: 'assistant_message',
  id,
  thread_id: threadId,
  created_at: now(),
  content: [{ type: 'output_text', text, annotations: [] }],
});

const userMessage = (id: string, threadId: string, text: string): UserMessageItem => ({
  type: 'user_message',
  id,
  thread_id: threadId,
  created_at: now(),
  content: [{ type: 'input_text', text }],
  attachments: [],
  inference_options: {},
});

const card = (...children: WidgetRoot['children'] & object): WidgetRoot => ({ type: 'Card', children });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe('ported from chatkit-python tests/test_chatkit_server.py', () => {
  it('test_workflow_task_not_duplicated_on_done_event', async () => {
    const { client, store } = await startChatKit({
      async *respond(thread) {
        const workflow: WorkflowItem = { type: 'workflow', id: 'workflow-item', thread_id: thread.id, created_at: now(), workflow: { type: 'custom', tasks: [] } };
        yield { type: 'thread.item.added', item: workflow };
        const task = { type: 'custom' as const, title: 'foo', content: 'bar' };
        yield { type: 'thread.item.updated', item_id: workflow.id, update: { type: 'workflow.task.added', task, task_index: 0 } };
        workflow.workflow.tasks.push(task);
        yield { type: 'thread.item.done', item: workflow };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Hello');
    const done = events.find((event) => event.type === 'thread.item.done' && event.item.type === 'workflow');
    expect(done!.item.workflow.tasks).toEqual([{ type: 'custom', title: 'foo', content: 'bar' }]);
    const stored = (await store.loadItem(threadId, 'workflow-item', user.context)) as WorkflowItem;
    expect(stored.workflow.tasks).toHaveLength(1);
    expect(stored.workflow.tasks[0]!.title).toBe('foo');
  });

  it('test_flows_context_to_responder', async () => {
    let responderContext: unknown;
    let feedbackContext: unknown;
    const { client } = await startChatKit<{ userId: string; tenant: string }>({
      context: (request) => ({ userId: 'text_ctx', tenant: request.headers.get('x-tenant') ?? '' }),
      async *respond(thread, _input, context) {
        responderContext = context;
        yield { type: 'thread.item.done', item: assistant('msg_1', thread.id, 'Hello, world!') };
      },
      addFeedback: (_threadId, _ids, _kind, context) => {
        feedbackContext = context;
      },
    });
    const user = client();
    const created = await user.post({ type: 'threads.create', params: { input: userInput('Hello, world!') } }, { headers: { 'x-tenant': 'acme' } });
    expect(responderContext).toEqual({ userId: 'text_ctx', tenant: 'acme' });
    const threadId = created.events[0]!.thread.id;
    const feedback = await user.post({ type: 'items.feedback', params: { thread_id: threadId, item_ids: ['msg_1'], kind: 'positive' } }, { headers: { 'x-tenant': 'acme' } });
    expect(feedback.json).toEqual({});
    expect(feedbackContext).toEqual({ userId: 'text_ctx', tenant: 'acme' });
  });

  it('test_creates_thread', async () => {
    const { client } = await startChatKit();
    const { events, status, headers } = await client().createThread('Hello, world!', { quoted_text: 'Quoted text' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream');
    const created = events.find((event) => event.type === 'thread.created')!;
    expect(created.thread.title).toBeUndefined(); // None is left out, as exclude_none does
    expect(created.thread.id).toMatch(/^thr_[0-9a-f]{32}$/);
    expect(created.thread.status).toEqual({ type: 'active' });
    expect(created.thread.items).toEqual({ data: [], has_more: false });
    const item = events.find((event) => event.type === 'thread.item.done')!.item;
    expect(item.type).toBe('user_message');
    expect(item.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(item.content[0].text).toBe('Hello, world!');
    expect(item.quoted_text).toBe('Quoted text');
  });

  it('test_saves_thread_title', async () => {
    const { client, store } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond(thread) {
        thread.title = 'Updated title';
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread();
    expect((await store.loadThread(threadId, user.context)).title).toBe('Updated title');
    expect(events.at(-1)!.type).toBe('thread.updated');
    expect(events.at(-1)!.thread.title).toBe('Updated title');
  });

  it('test_saves_thread_metadata (and never sends it to the client)', async () => {
    const { client, store } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond(thread) {
        thread.metadata.test_key = 'test_value';
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread();
    expect((await store.loadThread(threadId, user.context)).metadata.test_key).toBe('test_value');
    expect(events.at(-1)!.type).toBe('thread.updated');
    expect(events.at(-1)!.thread.metadata).toEqual({});
  });

  it('test_saves_thread_locked_fields', async () => {
    const { client, store } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond(thread) {
        thread.status = { type: 'locked', reason: 'Because' };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread();
    expect((await store.loadThread(threadId, user.context)).status).toEqual({ type: 'locked', reason: 'Because' });
    expect(events.at(-1)!.type).toBe('thread.updated');
    expect(events.at(-1)!.thread.status).toEqual({ type: 'locked', reason: 'Because' });
  });

  it('test_saves_allowed_image_domains_and_streams_thread_updated', async () => {
    const { client, store } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond(thread) {
        thread.allowed_image_domains = ['example.com', 'images.example.com'];
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread();
    expect((await store.loadThread(threadId, user.context)).allowed_image_domains).toEqual(['example.com', 'images.example.com']);
    expect(events.at(-1)!.type).toBe('thread.updated');
    expect(events.at(-1)!.thread.allowed_image_domains).toEqual(['example.com', 'images.example.com']);
  });

  it('test_omits_unset_allowed_image_domains_in_created_and_updated_json_events', async () => {
    const { client } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond(thread) {
        thread.title = 'Updated title';
      },
    });
    const { text, events } = await client().createThread();
    const created = events.find((event) => event.type === 'thread.created')!;
    const updated = events.find((event) => event.type === 'thread.updated')!;
    expect('allowed_image_domains' in created.thread).toBe(false);
    expect(updated.thread.title).toBe('Updated title');
    expect('allowed_image_domains' in updated.thread).toBe(false);
    expect(text).not.toContain('null');
  });

  it('test_emits_thread_updated_mid_stream_and_persists', async () => {
    const { client, store } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: assistant('assistant_a', thread.id, 'A') };
        thread.title = 'Mid-stream title';
        yield { type: 'thread.item.done', item: assistant('assistant_b', thread.id, 'B') };
        yield { type: 'thread.item.done', item: assistant('assistant_c', thread.id, 'C') };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Hello');
    const indexB = events.findIndex((event) => event.type === 'thread.item.done' && event.item.id === 'assistant_b');
    expect(events[indexB + 1]!.type).toBe('thread.updated');
    expect(events[indexB + 1]!.thread.title).toBe('Mid-stream title');
    expect(events[indexB + 2]!.type).toBe('thread.item.done');
    expect(events[indexB + 2]!.item.id).toBe('assistant_c');
    expect((await store.loadThread(threadId, user.context)).title).toBe('Mid-stream title');
  });

  it('test_respond_with_tool_call', async () => {
    const { client, store } = await startChatKit({
      async *respond(thread, input) {
        if (input) {
          const call: ClientToolCallItem = {
            type: 'client_tool_call',
            id: 'msg_1',
            thread_id: thread.id,
            created_at: now(),
            status: 'pending',
            name: 'tool_call_1',
            arguments: { arg1: 'val1', arg2: false },
            call_id: 'tool_call_1',
          };
          yield { type: 'thread.item.done', item: call };
        } else {
          yield { type: 'thread.item.done', item: assistant('msg_2', thread.id, 'Glad the tool call succeeded!') };
        }
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread();
    expect(events.map((event) => event.type)).toEqual(['thread.created', 'thread.item.done', 'stream_options', 'thread.item.done']);
    expect(events[1]!.item.type).toBe('user_message');
    expect(events[2]!.stream_options).toEqual({ allow_cancel: true });
    expect(events[3]!.item).toMatchObject({ type: 'client_tool_call', id: 'msg_1', name: 'tool_call_1', arguments: { arg1: 'val1', arg2: false }, call_id: 'tool_call_1', status: 'pending' });

    const output = await user.post({ type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: { text: 'Wow!' } } });
    expect(output.events.map((event) => event.type)).toEqual(['stream_options', 'thread.item.done']);
    expect(output.events[1]!.item.type).toBe('assistant_message');
    const call = (await store.loadItem(threadId, 'msg_1', user.context)) as ClientToolCallItem;
    expect(call).toMatchObject({ status: 'completed', output: { text: 'Wow!' } });
  });

  it('test_respond_with_tool_status', async () => {
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'progress_update', text: 'Tool status' };
        yield { type: 'thread.item.done', item: assistant('msg_4', thread.id, 'Hello, world!') };
      },
    });
    const { events } = await client().createThread();
    expect(events.map((event) => event.type)).toEqual(['thread.created', 'thread.item.done', 'stream_options', 'progress_update', 'thread.item.done']);
    expect(events[3]).toEqual({ type: 'progress_update', text: 'Tool status' });
  });

  it('test_list_threads_response', async () => {
    const { client } = await startChatKit();
    const user = client();
    for (let i = 0; i < 25; i++) await user.createThread(`Thread ${i}`);
    const first = await user.post({ type: 'threads.list', params: { limit: 20 } });
    expect(first.json.data).toHaveLength(20);
    expect(first.json.data[0].created_at >= first.json.data[1].created_at).toBe(true); // newest first
    expect(first.json.has_more).toBe(true);
    expect(first.json.after).toBe(first.json.data[19].id);
    const more = await user.post({ type: 'threads.list', params: { after: first.json.data.at(-1).id } });
    expect(more.json.data).toHaveLength(5);
    expect(more.json.has_more).toBe(false);
    expect(more.json.after).toBeUndefined();
  });

  it('test_list_items_response', async () => {
    const { client } = await startChatKit({
      async *respond(thread) {
        for (let i = 0; i < 25; i++) yield { type: 'thread.item.done', item: userMessage(`msg_${i}`, thread.id, `Message ${i}`) };
      },
    });
    const user = client();
    const { threadId } = await user.createThread('Thread 1');
    const page = await user.post({ type: 'items.list', params: { thread_id: threadId } });
    expect(page.json.data).toHaveLength(20); // DEFAULT_PAGE_SIZE
    expect(page.json.data[0].id).toBe('msg_24'); // newest first
    expect(page.json.has_more).toBe(true);
    expect(page.json.after).toBeDefined();
    const rest = await user.post({ type: 'items.list', params: { thread_id: threadId, after: page.json.data.at(-1).id } });
    expect(rest.json.data).toHaveLength(6); // +1 for the user message
    expect(rest.json.has_more).toBe(false);
  });

  it('test_calls_action', async () => {
    const actions: unknown[] = [];
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: { type: 'widget', id: 'widget_1', thread_id: thread.id, created_at: now(), widget: card({ type: 'Text', key: 'text_1', value: 'test' }) } };
      },
      async *action(_thread, action, sender) {
        actions.push([action, sender]);
        yield { type: 'thread.item.updated', item_id: sender!.id, update: { type: 'widget.root.updated', widget: card({ type: 'Text', value: 'Email sent!' }) } };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Show widget');
    const widget = events.find((event) => event.type === 'thread.item.done' && event.item.type === 'widget')!.item as WidgetItem;

    const result = await user.post({ type: 'threads.custom_action', params: { thread_id: threadId, item_id: widget.id, action: { type: 'create_user', payload: { user_id: '123' } } } });
    expect(actions).toEqual([[{ type: 'create_user', payload: { user_id: '123' } }, widget]]);
    expect(result.events.map((event) => event.type)).toEqual(['stream_options', 'thread.item.updated']);
    expect(result.events[1]!.update).toEqual({ type: 'widget.root.updated', widget: card({ type: 'Text', value: 'Email sent!' }) });
  });

  describe('structured input', () => {
    const subjectAndDetails = (thread: { id: string }): StructuredInputItem => ({
      type: 'structured_input',
      id: 'si_1',
      thread_id: thread.id,
      created_at: now(),
      status: 'pending',
      inputs: [
        { type: 'multiple_choice', id: 'subject', question: 'Which subject is this lesson for?', options: [{ value: 'Math' }, { value: 'Science' }] },
        { type: 'freeform', id: 'details', question: 'Anything else to know?' },
      ],
    });

    it('test_add_structured_input_replaces_item_with_custom_answer_and_resumes_response', async () => {
      const { client, store } = await startChatKit({
        async *respond(thread, input) {
          if (input) {
            yield { type: 'thread.item.done', item: subjectAndDetails(thread) };
            return;
          }
          yield { type: 'thread.item.done', item: assistant('msg_after_structured_input', thread.id, 'Thanks, continuing now.') };
        },
      });
      const user = client();
      const { threadId } = await user.createThread('Plan a lesson');
      const { events } = await user.post({
        type: 'threads.add_structured_input',
        params: { thread_id: threadId, item_id: 'si_1', input: { status: 'answered', answers: { subject: { values: ['Private class'] }, details: { values: ['Please include group work.'] } } } },
      });
      const replaced = events.find((event) => event.type === 'thread.item.replaced')!.item as StructuredInputItem;
      expect(replaced.status).toBe('answered');
      expect(replaced.inputs[0]!.answer).toEqual({ values: ['Private class'], skipped: false });
      expect(replaced.inputs[1]!.answer).toEqual({ values: ['Please include group work.'], skipped: false });
      expect(await store.loadItem(threadId, 'si_1', user.context)).toEqual(replaced);
      expect(events.some((event) => event.type === 'thread.item.done' && event.item.id === 'msg_after_structured_input')).toBe(true);
    });

    it('test_add_structured_input_treats_omitted_answers_as_skipped', async () => {
      const { client } = await startChatKit({
        async *respond(thread, input) {
          if (input) yield { type: 'thread.item.done', item: subjectAndDetails(thread) };
        },
      });
      const user = client();
      const { threadId } = await user.createThread('Plan a lesson');
      const { events } = await user.post({
        type: 'threads.add_structured_input',
        params: { thread_id: threadId, item_id: 'si_1', input: { status: 'answered', answers: { subject: { values: ['Math'] } } } },
      });
      const replaced = events.find((event) => event.type === 'thread.item.replaced')!.item as StructuredInputItem;
      expect(replaced.inputs[0]!.answer!.values).toEqual(['Math']);
      expect(replaced.inputs[1]!.answer!.skipped).toBe(true);
    });

    it('test_add_structured_input_ignores_unknown_answer_ids', async () => {
      const { client, logged } = await startChatKit({
        async *respond(thread, input) {
          if (input) yield { type: 'thread.item.done', item: { ...subjectAndDetails(thread), inputs: [{ type: 'freeform', id: 'details', question: 'Anything else to know?' }] } };
        },
      });
      const user = client();
      const { threadId } = await user.createThread('Plan a lesson');
      const { events } = await user.post({
        type: 'threads.add_structured_input',
        params: { thread_id: threadId, item_id: 'si_1', input: { answers: { details: { values: ['Please include group work.'] }, unknown: { values: ['ignored'] } } } },
      });
      const replaced = events.find((event) => event.type === 'thread.item.replaced')!.item as StructuredInputItem;
      expect(replaced.inputs[0]!.answer!.values).toEqual(['Please include group work.']);
      expect(logged.some((line) => line.includes('unknown question id(s), ignoring: unknown'))).toBe(true);
    });

    it('test_add_structured_input_truncates_extra_single_choice_values', async () => {
      const { client, store } = await startChatKit({
        async *respond(thread, input) {
          if (input) yield { type: 'thread.item.done', item: { ...subjectAndDetails(thread), inputs: [subjectAndDetails(thread).inputs[0]!] } };
        },
      });
      const user = client();
      const { threadId } = await user.createThread('Plan a lesson');
      const { events } = await user.post({
        type: 'threads.add_structured_input',
        params: { thread_id: threadId, item_id: 'si_1', input: { status: 'answered', answers: { subject: { values: ['Math', 'Science'] } } } },
      });
      const replaced = events.find((event) => event.type === 'thread.item.replaced')!.item as StructuredInputItem;
      expect(replaced.inputs[0]!.answer!.values).toEqual(['Math']);
      const persisted = (await store.loadItem(threadId, 'si_1', user.context)) as StructuredInputItem;
      expect(persisted.status).toBe('answered');
      expect(persisted.inputs[0]!.answer).toEqual(replaced.inputs[0]!.answer);
    });
  });

  it('test_calls_action_sync', async () => {
    const calls: unknown[] = [];
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: { type: 'widget', id: 'widget_1', thread_id: thread.id, created_at: now(), widget: card({ type: 'Text', key: 'text_1', value: 'test' }) } };
      },
      syncAction(_thread, action, sender) {
        calls.push([action, sender]);
        return { updated_item: { ...sender!, widget: card({ type: 'Text', value: 'Email sent!' }) } };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Show widget');
    const widget = events.find((event) => event.type === 'thread.item.done' && event.item.type === 'widget')!.item;
    const result = await user.post({ type: 'threads.sync_custom_action', params: { thread_id: threadId, item_id: widget.id, action: { type: 'create_user', payload: { user_id: '123' } } } });
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(calls).toEqual([[{ type: 'create_user', payload: { user_id: '123' } }, widget]]);
    expect(result.json).toEqual({ updated_item: { ...widget, widget: card({ type: 'Text', value: 'Email sent!' }) } });
  });

  it('test_add_feedback', async () => {
    const called: unknown[] = [];
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: assistant('assistant_msg_1', thread.id, 'Feedback received!') };
        yield { type: 'thread.item.done', item: { type: 'widget', id: 'widget_1', thread_id: thread.id, created_at: now(), widget: card({ type: 'Text', key: 'text', value: 'Widget content' }) } };
      },
      addFeedback: (threadId, itemIds, kind) => void called.push([threadId, itemIds, kind]),
    });
    const user = client();
    const { threadId } = await user.createThread('Test feedback');
    expect((await user.post({ type: 'items.feedback', params: { thread_id: threadId, item_ids: ['assistant_msg_1'], kind: 'positive' } })).json).toEqual({});
    await user.post({ type: 'items.feedback', params: { thread_id: threadId, item_ids: ['widget_1'], kind: 'negative' } });
    expect(called).toEqual([
      [threadId, ['assistant_msg_1'], 'positive'],
      [threadId, ['widget_1'], 'negative'],
    ]);
  });

  it('test_get_thread_by_id', async () => {
    const { client } = await startChatKit();
    const user = client();
    const { threadId, events } = await user.createThread('Test thread');
    const result = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(result.status).toBe(200);
    expect(result.json.id).toBe(threadId);
    expect(result.json.title).toBe(events[0]!.thread.title);
    expect(result.json.items.data[0].type).toBe('user_message');
    expect(result.json.items.data[0].content[0].text).toBe('Test thread');
  });

  describe('attachments', () => {
    /** chatkit-python's InMemoryFileStore. */
    function inMemoryFileStore() {
      const files = new Map<string, Attachment>();
      const store: AttachmentStore & { files: Map<string, Attachment> } = {
        files,
        createAttachment(input) {
          const id = `atc_${files.size + 1}`;
          const base = {
            id,
            name: input.name,
            mime_type: input.mime_type,
            upload_descriptor: { url: `https://example.com/${id}/upload`, method: 'PUT' as const, headers: { 'X-My-Header': 'my-value' } },
            metadata: { source: 'test' },
          };
          const attachment: Attachment = input.mime_type.startsWith('image/')
            ? { ...base, type: 'image', preview_url: `https://example.com/${id}/preview` }
            : { ...base, type: 'file' };
          files.set(id, attachment);
          return attachment;
        },
        deleteAttachment(id) {
          files.delete(id);
        },
      };
      return store;
    }

    it('test_create_file', async () => {
      const files = inMemoryFileStore();
      const { client, store } = await startChatKit({ attachmentStore: files });
      const user = client();
      const { json, status } = await user.post({ type: 'attachments.create', params: { name: 'test-file-name', size: 1024, mime_type: 'text/plain' } });
      expect(status).toBe(200);
      expect(json).toEqual({
        id: 'atc_1',
        type: 'file',
        name: 'test-file-name',
        mime_type: 'text/plain',
        upload_descriptor: { url: 'https://example.com/atc_1/upload', method: 'PUT', headers: { 'X-My-Header': 'my-value' } },
      });
      expect(json.metadata).toBeUndefined(); // excluded from the answer…
      expect(files.files.get('atc_1')!.metadata).toEqual({ source: 'test' }); // …but kept server-side
      expect((await store.loadAttachment('atc_1', user.context)).metadata).toEqual({ source: 'test' });
    });

    it('test_create_image_file', async () => {
      const { client } = await startChatKit({ attachmentStore: inMemoryFileStore() });
      const { json } = await client().post({ type: 'attachments.create', params: { name: 'test-file-name', size: 1024, mime_type: 'image/png' } });
      expect(json).toMatchObject({ type: 'image', mime_type: 'image/png', name: 'test-file-name', preview_url: `https://example.com/${json.id}/preview` });
      expect(json.upload_descriptor).toEqual({ url: `https://example.com/${json.id}/upload`, method: 'PUT', headers: { 'X-My-Header': 'my-value' } });
    });

    it('test_user_message_attachment_metadata_not_serialized', async () => {
      const { client, store } = await startChatKit();
      const user = client();
      await user.post({ type: 'threads.list', params: {} }); // get the user cookie
      await store.saveAttachment({ type: 'file', id: 'file_with_metadata', name: 'test.txt', mime_type: 'text/plain', metadata: { source: 'test' } }, user.context);
      const { threadId, events } = await user.createThread('Message with file', { attachments: ['file_with_metadata'] });
      const items = await user.post({ type: 'items.list', params: { thread_id: threadId } });
      const attachments = items.json.data.find((item: UserMessageItem) => item.type === 'user_message').attachments;
      expect(attachments).toEqual([{ type: 'file', id: 'file_with_metadata', name: 'test.txt', mime_type: 'text/plain', thread_id: threadId }]);
      expect(JSON.stringify(events)).not.toContain('"source"');
    });

    it('test_user_message_attachment_thread_id_persisted_on_thread_create', async () => {
      const { client, store } = await startChatKit();
      const user = client();
      await user.post({ type: 'threads.list', params: {} });
      await store.saveAttachment({ type: 'file', id: 'file_thread_id_on_create', name: 'test.txt', mime_type: 'text/plain', thread_id: null }, user.context);
      const { threadId } = await user.createThread('Message with file', { attachments: ['file_thread_id_on_create'] });
      expect((await store.loadAttachment('file_thread_id_on_create', user.context)).thread_id).toBe(threadId);
    });

    it('test_user_message_attachment_thread_id_persisted_on_add_user_message', async () => {
      const { client, store } = await startChatKit();
      const user = client();
      const { threadId } = await user.createThread('Start');
      await store.saveAttachment({ type: 'file', id: 'file_thread_id_on_add', name: 'test.txt', mime_type: 'text/plain', thread_id: null }, user.context);
      await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('Second', { attachments: ['file_thread_id_on_add'] }) } });
      expect((await store.loadAttachment('file_thread_id_on_add', user.context)).thread_id).toBe(threadId);
    });

    it('test_create_file_without_filestore: 501 naming the attachmentStore option', async () => {
      const { client } = await startChatKit();
      const answer = await client().post({ type: 'attachments.create', params: { name: 'test-file-name', size: 1024, mime_type: 'text/plain' } });
      expect(answer.status).toBe(501);
      expect(answer.json.error).toMatch(/attachmentStore/);
    });

    it('test_delete_file', async () => {
      const files = inMemoryFileStore();
      const { client, store } = await startChatKit({ attachmentStore: files });
      const user = client();
      const { json } = await user.post({ type: 'attachments.create', params: { name: 'a.txt', size: 3, mime_type: 'text/plain' } });
      const answer = await user.post({ type: 'attachments.delete', params: { attachment_id: json.id } });
      expect(answer.json).toEqual({});
      expect(files.files.size).toBe(0);
      await expect(store.loadAttachment(json.id, user.context)).rejects.toThrow(/not found/);
    });

    it('test_delete_file_without_filestore: 501 naming the attachmentStore option', async () => {
      const { client } = await startChatKit();
      const answer = await client().post({ type: 'attachments.delete', params: { attachment_id: 'test-file-id' } });
      expect(answer.status).toBe(501);
      expect(answer.json.error).toMatch(/attachmentStore/);
    });
  });

  it('test_list_threads_paginated_response', async () => {
    const { client } = await startChatKit();
    const user = client();
    for (let i = 0; i < 25; i++) await user.createThread(`Thread ${i}`);
    const first = await user.post({ type: 'threads.list', params: { limit: 20 } });
    expect(first.json.data).toHaveLength(20);
    expect(first.json.has_more).toBe(true);
    const second = await user.post({ type: 'threads.list', params: { after: first.json.data.at(-1).id } });
    expect(second.json.data).toHaveLength(5);
    expect(second.json.has_more).toBe(false);
    const ids = [...first.json.data, ...second.json.data].map((thread: { id: string }) => thread.id);
    expect(new Set(ids).size).toBe(25);
    const ascending = await user.post({ type: 'threads.list', params: { order: 'asc', limit: 1 } });
    expect(ascending.json.data[0].id).toBe(ids.at(-1));
  });

  it('test_threads_update_request', async () => {
    const { client, store } = await startChatKit();
    const user = client();
    const { threadId } = await user.createThread();
    const answer = await user.post({ type: 'threads.update', params: { thread_id: threadId, title: 'New Title' } });
    expect(answer.json).toMatchObject({ id: threadId, title: 'New Title', items: { data: [], has_more: false } });
    expect((await store.loadThread(threadId, user.context)).title).toBe('New Title');
  });

  it('test_returns_widget_item_generator', async () => {
    const thread = { id: 'test-thread-id', title: 'Test thread', metadata: {}, created_at: now(), status: { type: 'active' as const } };
    const render = (i: number) => card({ type: 'Text', id: 'text', value: 'Hello, world'.slice(0, i) });
    async function* states() {
      for (const i of [0, 3, 6, 12]) yield render(i);
    }
    const events = await collect(streamWidget(thread, states()));
    expect(events.map((event) => event.type)).toEqual(['thread.item.added', 'thread.item.updated', 'thread.item.updated', 'thread.item.updated', 'thread.item.done']);
    const updates = events.filter((event): event is Extract<ThreadStreamEvent, { type: 'thread.item.updated' }> => event.type === 'thread.item.updated').map((event) => event.update);
    expect(updates).toEqual([
      { type: 'widget.streaming_text.value_delta', component_id: 'text', delta: 'Hel', done: true },
      { type: 'widget.streaming_text.value_delta', component_id: 'text', delta: 'lo,', done: true },
      { type: 'widget.streaming_text.value_delta', component_id: 'text', delta: ' world', done: true },
    ]);
    expect((events[0] as { item: WidgetItem }).item.widget).toEqual(render(0));
    expect((events[4] as { item: WidgetItem }).item.widget).toEqual(render(12));
  });

  it('test_returns_widget_item_generator_full_replace', async () => {
    const thread = { id: 'test-thread-id', metadata: {}, created_at: now(), status: { type: 'active' as const } };
    async function* states() {
      yield card({ type: 'Text', id: 'text', value: 'Hello' });
      yield card({ type: 'Text', id: 'text', value: 'World' });
    }
    const events = await collect(streamWidget(thread, states()));
    expect(events.map((event) => event.type)).toEqual(['thread.item.added', 'thread.item.updated', 'thread.item.done']);
    expect((events[1] as { update: unknown }).update).toEqual({ type: 'widget.root.updated', widget: card({ type: 'Text', id: 'text', value: 'World' }) });
    expect((events[2] as { item: WidgetItem }).item.widget).toEqual(card({ type: 'Text', id: 'text', value: 'World' }));
  });

  it('test_delete_thread', async () => {
    const { client } = await startChatKit();
    const user = client();
    const { threadId } = await user.createThread('Thread to delete');
    const deleted = await user.post({ type: 'threads.delete', params: { thread_id: threadId } });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('{}');
    const gone = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(gone.status).toBe(404);
    expect(gone.json.error).toContain(`Thread ${threadId} not found`);
  });

  it('test_thread_item_removed_event_removes_item', async () => {
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: userMessage('msg_to_remove', thread.id, 'To be removed') };
        yield { type: 'thread.item.removed', item_id: 'msg_to_remove' };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Trigger removal');
    expect(events.some((event) => event.type === 'thread.item.removed' && event.item_id === 'msg_to_remove')).toBe(true);
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId } });
    expect(items.json.data.map((item: { id: string }) => item.id)).not.toContain('msg_to_remove');
  });

  it('test_raising_in_responder_yields_error_event', async () => {
    const { client, logged } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond() {
        throw new Error('Test error with a secret detail');
      },
    });
    const { events, text } = await client().createThread('Test error');
    expect(events.at(-1)).toEqual({ type: 'error', code: 'stream.error', allow_retry: true });
    expect(text).not.toContain('secret detail'); // logged server-side only
    expect(logged.some((line) => line.includes('Test error with a secret detail'))).toBe(true);
  });

  it('StreamError and CustomStreamError become error events with their code, message and allow_retry', async () => {
    let which = 0;
    const { client } = await startChatKit({
      // eslint-disable-next-line require-yield
      async *respond() {
        which += 1;
        if (which === 1) throw new StreamError('stream.error', { allowRetry: false });
        throw new CustomStreamError('You have used all your messages today', { allowRetry: true });
      },
    });
    const user = client();
    expect((await user.createThread()).events.at(-1)).toEqual({ type: 'error', code: 'stream.error', allow_retry: false });
    expect((await user.createThread()).events.at(-1)).toEqual({ type: 'error', code: 'custom', message: 'You have used all your messages today', allow_retry: true });
  });

  it('test_thread_item_replaced_event_replaces_item', async () => {
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: userMessage('msg_to_replace', thread.id, 'Original content') };
        yield { type: 'thread.item.replaced', item: assistant('msg_to_replace', thread.id, 'This is the replacement content') };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Trigger replacement');
    expect(events.some((event) => event.type === 'thread.item.replaced' && event.item.id === 'msg_to_replace')).toBe(true);
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId } });
    const replaced = items.json.data.find((item: { id: string }) => item.id === 'msg_to_replace');
    expect(replaced.type).toBe('assistant_message');
    expect(replaced.content[0].text).toBe('This is the replacement content');
  });

  it('test_thread_item_replaced_event_with_widget', async () => {
    const original = card({ type: 'Text', value: 'Original widget content' });
    const replacement = card({ type: 'Text', value: 'Replaced widget content' });
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: { type: 'widget', id: 'widget_to_replace', thread_id: thread.id, created_at: now(), widget: original } };
        yield { type: 'thread.item.replaced', item: { type: 'widget', id: 'widget_to_replace', thread_id: thread.id, created_at: now(), widget: replacement } };
      },
    });
    const user = client();
    const { events, threadId } = await user.createThread('Trigger widget replacement');
    expect(events.find((event) => event.type === 'thread.item.replaced')!.item.widget).toEqual(replacement);
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId } });
    expect(items.json.data.find((item: { id: string }) => item.id === 'widget_to_replace').widget.children[0].value).toBe('Replaced widget content');
  });

  it('test_retry_after_item', async () => {
    const calls: (UserMessageItem | null)[] = [];
    const { client } = await startChatKit({
      async *respond(thread, input) {
        calls.push(input);
        yield { type: 'thread.item.done', item: assistant(`assistant_msg_${calls.length}`, thread.id, calls.length === 1 ? 'First response' : 'Retried response') };
      },
    });
    const user = client();
    const { threadId } = await user.createThread('Hello, world!');
    const before = (await user.post({ type: 'items.list', params: { thread_id: threadId } })).json.data;
    expect(before.map((item: { type: string }) => item.type)).toEqual(['assistant_message', 'user_message']);
    expect(before[0].content[0].text).toBe('First response');

    const retry = await user.post({ type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: before[1].id } });
    expect(retry.events.map((event) => event.type)).toEqual(['stream_options', 'thread.item.done']);
    expect(retry.events[1]!.item.content[0]).toEqual({ type: 'output_text', text: 'Retried response', annotations: [] });
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual(calls[1]);
    expect(calls[0]!.content[0]).toEqual({ type: 'input_text', text: 'Hello, world!' });

    const after = (await user.post({ type: 'items.list', params: { thread_id: threadId } })).json.data;
    expect(after.map((item: { type: string }) => item.type)).toEqual(['assistant_message', 'user_message']);
    expect(after[0].content[0].text).toBe('Retried response');
    expect(after[1].content[0].text).toBe('Hello, world!');
  });

  it('test_retry_after_item_invalid_item: 400 naming the item', async () => {
    const { client } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: assistant('assistant_msg_1', thread.id, 'Response') };
      },
    });
    const user = client();
    const { threadId } = await user.createThread('Hello');
    const answer = await user.post({ type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: 'assistant_msg_1' } });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/assistant_msg_1 is a assistant_message, not a user message/);
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId } });
    expect(items.json.data).toHaveLength(2); // nothing removed
  });

  it('test_retry_after_item_with_multiple_messages', async () => {
    const calls: UserMessageItem[] = [];
    const { client } = await startChatKit({
      async *respond(thread, input) {
        calls.push(input!);
        yield { type: 'thread.item.done', item: assistant(`assistant_msg_${calls.length}`, thread.id, `Response to: ${(input!.content[0] as { text: string }).text}`) };
      },
    });
    const user = client();
    const { threadId } = await user.createThread('First message');
    await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('Second message') } });
    const before = (await user.post({ type: 'items.list', params: { thread_id: threadId } })).json.data;
    expect(before).toHaveLength(4);

    const retry = await user.post({ type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: before[1].id } });
    expect(retry.events.map((event) => event.type)).toEqual(['stream_options', 'thread.item.done']);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.content[0]).toEqual({ type: 'input_text', text: 'Second message' });

    const after = (await user.post({ type: 'items.list', params: { thread_id: threadId } })).json.data;
    expect(after.map((item: { type: string; content: { text: string }[] }) => [item.type, item.content[0]!.text])).toEqual([
      ['assistant_message', 'Response to: Second message'],
      ['user_message', 'Second message'],
      ['assistant_message', 'Response to: First message'],
      ['user_message', 'First message'],
    ]);
    expect(after[0].id).not.toBe(before[0].id);
  });

  it('test_threads_create_passes_tools_to_responder', async () => {
    let seen: unknown;
    const { client } = await startChatKit({
      async *respond(thread, input) {
        seen = input!.inference_options;
        yield { type: 'thread.item.done', item: assistant('assistant_msg_tools_create', thread.id, 'ok') };
      },
    });
    const { events } = await client().createThread('Hello with tools', { inference_options: { tool_choice: { id: 'web_search' } } });
    expect(seen).toEqual({ tool_choice: { id: 'web_search' } });
    expect(events.some((event) => event.type === 'thread.item.done' && event.item.type === 'assistant_message')).toBe(true);
  });

  it('test_input_transcribe_decodes_base64_and_normalizes_mime_type', async () => {
    const seen: Record<string, unknown> = {};
    const { client } = await startChatKit({
      transcribe(audio, context) {
        Object.assign(seen, { data: new TextDecoder().decode(audio.data), mime: audio.mime_type, media: audio.media_type, context });
        return { text: 'ok' };
      },
    });
    const user = client();
    const answer = await user.post({ type: 'input.transcribe', params: { audio_base64: Buffer.from('hello audio').toString('base64'), mime_type: 'audio/webm;codecs=opus' } });
    expect(answer.json).toEqual({ text: 'ok' });
    expect(seen).toEqual({ data: 'hello audio', mime: 'audio/webm;codecs=opus', media: 'audio/webm', context: user.context });
  });

  it('test_threads_add_message_passes_tools_to_responder', async () => {
    const seen: unknown[] = [];
    const { client } = await startChatKit({
      async *respond(thread, input) {
        seen.push(input!.inference_options.tool_choice);
        yield { type: 'thread.item.done', item: assistant(`a_${seen.length}`, thread.id, 'ok') };
      },
    });
    const user = client();
    const tools = { inference_options: { tool_choice: { id: 'retrieval' } } };
    const { threadId } = await user.createThread('Start', tools);
    const second = await user.post({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('Second', tools) } });
    expect(second.events.some((event) => event.type === 'thread.item.done')).toBe(true);
    expect(seen).toEqual([{ id: 'retrieval' }, { id: 'retrieval' }]);
  });

  it('test_custom_id_generators_on_server', async () => {
    const { MemoryStore } = await import('../../../src/server/chatkit/store/memory-store.js');
    class UniqueIdStore extends MemoryStore {
      counter = 0;
      generateThreadId() {
        return `thr_custom_${++this.counter}`;
      }
      generateItemId(type: string, thread: { id: string }) {
        return `${type}_custom_${++this.counter}_${thread.id}`;
      }
    }
    const { client } = await startChatKit({ store: new UniqueIdStore() });
    const { events } = await client().createThread('Hello');
    expect(events.find((event) => event.type === 'thread.created')!.thread.id).toBe('thr_custom_1');
    expect(events.find((event) => event.type === 'thread.item.done')!.item.id).toBe('message_custom_2_thr_custom_1');
  });

  it('responder receives the store, an abort signal and generateId with the Python prefixes', async () => {
    const ids: string[] = [];
    const respond: Respond = async function* (thread, _input, _context, options) {
      expect(options.signal).toBeInstanceOf(AbortSignal);
      expect(await options.store.loadThread(thread.id, _context)).toMatchObject({ id: thread.id });
      for (const type of ['message', 'tool_call', 'workflow', 'task', 'sdk_hidden_context'] as const) ids.push(options.generateId(type));
      yield* [];
    };
    const { client } = await startChatKit({ respond });
    await client().createThread();
    expect(ids.map((id) => id.replace(/_[0-9a-f]{32}$/, ''))).toEqual(['msg', 'tc', 'wf', 'tsk', 'shcx']);
  });

  it('hidden context items are saved, never sent, and filtered from items.list and threads.get_by_id', async () => {
    const { client, store } = await startChatKit({
      async *respond(thread) {
        yield { type: 'thread.item.done', item: { type: 'hidden_context_item', id: 'hidden_1', thread_id: thread.id, created_at: now(), content: { note: 'for the model only' } } };
        yield { type: 'thread.item.done', item: assistant('visible_1', thread.id, 'Hi') };
      },
    });
    const user = client();
    const { events, threadId, text } = await user.createThread();
    expect(text).not.toContain('hidden_1');
    expect(events.filter((event) => event.type === 'thread.item.done').map((event) => event.item.id)).toHaveLength(2);
    expect((await store.loadItem(threadId, 'hidden_1', user.context)).type).toBe('hidden_context_item');
    const items = await user.post({ type: 'items.list', params: { thread_id: threadId, order: 'asc' } });
    expect(items.json.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'assistant_message']);
    const thread = await user.post({ type: 'threads.get_by_id', params: { thread_id: threadId } });
    expect(thread.json.items.data.map((item: { type: string }) => item.type)).toEqual(['user_message', 'assistant_message']);
  });
});
