// Thread items → Agents SDK input: chatkit-python's tests/test_agents.py converter cases, rewritten for the
// @openai/agents (TypeScript) input format.
import { describe, expect, it } from 'vitest';
import { ConverterNotImplementedError, ThreadItemConverter, loadThreadHistory, simpleToAgentInput } from '../../../src/server/chatkit/agent-input.js';
import { MemoryStore } from '../../../src/server/chatkit/store/memory-store.js';
import type {
  AssistantMessageItem,
  ClientToolCallItem,
  HiddenContextItem,
  ThreadItem,
  UserMessageItem,
  UserMessageTagContent,
} from '../../../src/server/chatkit/types.js';

const threadId = 'thr_1';
const createdAt = new Date().toISOString();

function userMessage(text: string, extra: Partial<UserMessageItem> = {}): UserMessageItem {
  return {
    type: 'user_message', id: 'msg_u', thread_id: threadId, created_at: createdAt,
    content: [{ type: 'input_text', text }], attachments: [], inference_options: {}, ...extra,
  };
}

const userText = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

describe('ThreadItemConverter', () => {
  it('sends the quoted text of the last user message only, after it', async () => {
    const input = await simpleToAgentInput([
      userMessage('Hello!', { quoted_text: 'Hi!' }),
      userMessage("I'm well, thank you!", { quoted_text: 'How are you doing?' }),
    ]);
    expect(input).toEqual([
      userText('Hello!'),
      userText("I'm well, thank you!"),
      userText('The user is referring to this in particular: \nHow are you doing?'),
    ]);
  });

  it('converts user, assistant and widget items of a mixed thread', async () => {
    const assistant: AssistantMessageItem = {
      type: 'assistant_message', id: 'msg_a', thread_id: threadId, created_at: createdAt,
      content: [
        { type: 'output_text', text: 'How are you doing?', annotations: [] },
        { type: 'output_text', text: "Can't do that", annotations: [] },
      ],
    };
    const input = await simpleToAgentInput([
      userMessage('Hello!', { quoted_text: 'Hi!' }),
      userMessage("I'm well, thank you!", { quoted_text: 'How are you doing?' }),
      assistant,
      {
        type: 'widget', id: 'wd_123', thread_id: threadId, created_at: createdAt,
        widget: { type: 'Card', children: [{ type: 'Text', value: 'Hello, world!', id: null }] },
      },
    ]);
    // The quoted text counts for the last item only — here the widget, so none is sent.
    expect(input).toHaveLength(4);
    expect(input.slice(0, 2)).toEqual([userText('Hello!'), userText("I'm well, thank you!")]);
    expect(input[2]).toEqual({
      type: 'message', role: 'assistant', status: 'completed',
      content: [{ type: 'output_text', text: 'How are you doing?' }, { type: 'output_text', text: "Can't do that" }],
    });
    const widget = input[3] as { role: string; content: Array<{ text: string }> };
    expect(widget.role).toBe('user');
    expect(widget.content[0]!.text).toBe(
      'The following graphical UI widget (id: wd_123) was displayed to the user:{"type":"Card","children":[{"type":"Text","value":"Hello, world!"}]}',
    );
    expect(widget.content[0]!.text).not.toContain('created_at');
  });

  it('renders tags as @text and adds their context once each through tagToMessageContent', async () => {
    class TagConverter extends ThreadItemConverter {
      override async tagToMessageContent(tag: UserMessageTagContent) {
        return { type: 'input_text' as const, text: `${tag.text} ${String(tag.data.key)}` };
      }
    }
    const tag: UserMessageTagContent = { type: 'input_tag', id: 'hello', text: 'Hello!', data: { key: 'value' }, interactive: false };
    const input = await new TagConverter().toAgentInput([
      userMessage('', { content: [tag, { type: 'input_text', text: ' and ' }, tag] }),
    ]);
    expect(input).toEqual([
      userText('@Hello! and @Hello!'),
      {
        type: 'message', role: 'user',
        content: [
          {
            type: 'input_text',
            text: "# User-provided context for @-mentions\n- When referencing resolved entities, use their canonical names **without** '@'.\n- The '@' form appears only in user text and should not be echoed.",
          },
          { type: 'input_text', text: 'Hello! value' },
        ],
      },
    ]);
  });

  it('refuses tags and attachments until their hook is implemented, naming the hook', async () => {
    const tag: UserMessageTagContent = { type: 'input_tag', id: 'hello', text: 'Hello!', data: {}, interactive: false };
    await expect(simpleToAgentInput([userMessage('', { content: [tag] })])).rejects.toThrow(/tagToMessageContent/);
    const attachment = { type: 'file' as const, id: 'atc_1', name: 'a.pdf', mime_type: 'application/pdf' };
    await expect(simpleToAgentInput([userMessage('see file', { attachments: [attachment] })])).rejects.toBeInstanceOf(ConverterNotImplementedError);
  });

  it('sends attachments through attachmentToMessageContent after the text', async () => {
    class FileConverter extends ThreadItemConverter {
      override async attachmentToMessageContent() {
        return { type: 'input_image' as const, image: 'https://example.com/a.png', detail: 'auto' };
      }
    }
    const attachment = { type: 'image' as const, id: 'atc_1', name: 'a.png', mime_type: 'image/png', preview_url: 'https://example.com/a.png' };
    const input = await new FileConverter().toAgentInput(userMessage('look', { attachments: [attachment] }));
    expect(input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image: 'https://example.com/a.png', detail: 'auto' }] },
    ]);
  });

  it('shows a generated image to the model, and leaves out one without an image', async () => {
    const input = await simpleToAgentInput([
      { type: 'generated_image', id: 'img_1', thread_id: threadId, created_at: createdAt, image: { id: 'img', url: 'https://example.com/img.png' } },
      { type: 'generated_image', id: 'img_2', thread_id: threadId, created_at: createdAt },
    ]);
    expect(input).toEqual([
      {
        type: 'message', role: 'user',
        content: [
          { type: 'input_text', text: 'The following image was generated by the agent.' },
          { type: 'input_image', detail: 'auto', image: 'https://example.com/img.png' },
        ],
      },
    ]);
  });

  it('wraps string hidden context and SDK hidden context; non-string hidden context needs an override', async () => {
    const hidden: HiddenContextItem = { type: 'hidden_context_item', id: 'h1', thread_id: threadId, created_at: createdAt, content: 'User pressed the red button' };
    expect(await simpleToAgentInput([hidden, { type: 'sdk_hidden_context', id: 'h2', thread_id: threadId, created_at: createdAt, content: 'cancelled' }])).toEqual([
      userText('Hidden context for the agent (not shown to the user):\n<HiddenContext>\nUser pressed the red button\n</HiddenContext>'),
      userText('Hidden context for the agent (not shown to the user):\n<HiddenContext>\ncancelled\n</HiddenContext>'),
    ]);

    const structured: HiddenContextItem = { ...hidden, content: { harry: 'potter', hermione: 'granger' } };
    await expect(simpleToAgentInput([structured])).rejects.toThrow(/hiddenContextToInput/);
    class HiddenConverter extends ThreadItemConverter {
      override async hiddenContextToInput(item: HiddenContextItem) {
        return userText(`<HIDDEN>${Object.keys(item.content as object).join(',')}</HIDDEN>`) as never;
      }
    }
    expect(await new HiddenConverter().toAgentInput([structured])).toEqual([userText('<HIDDEN>harry,hermione</HIDDEN>')]);
  });

  it('sends a completed client tool call as function call + result, and leaves out a pending one', async () => {
    const pending: ClientToolCallItem = {
      type: 'client_tool_call', id: 'ctc_123', thread_id: threadId, created_at: createdAt,
      status: 'pending', call_id: 'ctc_123', name: 'xyz', arguments: { foo: 'bar' },
    };
    const items: ThreadItem[] = [
      userMessage('Call a client tool call xyz', { quoted_text: 'Hi!' }),
      { type: 'task', id: 'tsk_123', thread_id: threadId, created_at: createdAt, task: { type: 'custom', title: 'Called xyx' } },
      pending,
      { ...pending, id: 'ctc_123_done', status: 'completed', output: { success: true } },
    ];
    expect(await simpleToAgentInput(items)).toEqual([
      userText('Call a client tool call xyz'),
      userText('A message was displayed to the user that the following task was performed:\n<Task>\nCalled xyx\n</Task>'),
      { type: 'function_call', callId: 'ctc_123', name: 'xyz', arguments: '{"foo":"bar"}' },
      { type: 'function_call_result', callId: 'ctc_123', name: 'xyz', status: 'completed', output: '{"success":true}' },
    ]);
  });

  it('summarises structured input with its answers', async () => {
    const input = await simpleToAgentInput([{
      type: 'structured_input', id: 'si_123', thread_id: threadId, created_at: createdAt, status: 'answered',
      inputs: [
        { type: 'multiple_choice', id: 'subject', question: 'Which subject is this lesson for?', options: [{ value: 'Math' }, { value: 'Science' }], answer: { values: ['Math'], skipped: false } },
        { type: 'freeform', id: 'details', question: 'Anything else to know?', answer: { values: [], skipped: true } },
        { type: 'freeform', id: 'more', question: 'Deadline?' },
      ],
    }]);
    expect(input).toEqual([
      userText('A structured input request was displayed to the user with the following status: answered\n<StructuredInput>\n- Which subject is this lesson for?: Math\n- Anything else to know?: skipped\n- Deadline?: unanswered\n</StructuredInput>'),
    ]);
  });

  it('sends custom workflow tasks, leaves out thoughts, tasks of other kinds and end-of-turn markers', async () => {
    const input = await simpleToAgentInput([
      {
        type: 'workflow', id: 'wf_1', thread_id: threadId, created_at: createdAt,
        workflow: { type: 'custom', tasks: [{ type: 'custom', title: 'Searched', content: 'the docs' }, { type: 'thought', content: 'hmm' }, { type: 'custom' }] },
      },
      { type: 'task', id: 'tsk_2', thread_id: threadId, created_at: createdAt, task: { type: 'thought', content: 'x' } },
      { type: 'end_of_turn', id: 'eot', thread_id: threadId, created_at: createdAt },
    ]);
    expect(input).toEqual([
      userText('A message was displayed to the user that the following task was performed:\n<Task>\nSearched: the docs\n</Task>'),
    ]);
  });
});

describe('loadThreadHistory', () => {
  it('pages through every item of the thread, oldest first, or takes the latest `limit`', async () => {
    const store = new MemoryStore();
    const context = { userId: 'u1' };
    await store.saveThread({ id: threadId, created_at: createdAt, status: { type: 'active' }, metadata: {} }, context);
    for (let i = 0; i < 250; i++) await store.addThreadItem(threadId, { ...userMessage(`m${i}`), id: `msg_${i}` }, context);
    const all = await loadThreadHistory(store, threadId, context);
    expect(all.map((item) => item.id)).toEqual(Array.from({ length: 250 }, (_, i) => `msg_${i}`));
    const latest = await loadThreadHistory(store, threadId, context, 3);
    expect(latest.map((item) => item.id)).toEqual(['msg_247', 'msg_248', 'msg_249']);
  });
});
