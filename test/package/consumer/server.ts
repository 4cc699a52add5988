import { createChatKitHandler, createSessionHandler, MemoryStore, toNodeListener, type ChatKitHandlerOptions, type SessionHandlerOptions } from 'managed-chatkit/server';

const options: SessionHandlerOptions = { apiKey: 'sk-test', workflowId: 'wf_123', allowedOrigins: ['https://example.com'] };
const handler = createSessionHandler(options);
const answer: Promise<Response> = handler(new Request('https://example.com/api/chatkit/start', { method: 'POST' }));
const listener = toNodeListener(handler);
void answer;
void listener;

// @ts-expect-error workflowId is a string
createSessionHandler({ workflowId: 42 });

// The ChatKit server with a respond function: no @openai/agents types needed (agents.ts checks the Agent path).
const chatkit = createChatKitHandler({ async *respond() {}, store: new MemoryStore() });
const chatkitAnswer: Promise<Response> = chatkit(new Request('https://example.com/api/chatkit', { method: 'POST' }));
void chatkitAnswer;
void toNodeListener(chatkit);
const custom: ChatKitHandlerOptions = {
  async *respond(thread) {
    yield { type: 'thread.item.done', item: { type: 'assistant_message', id: 'msg_1', thread_id: thread.id, created_at: new Date().toISOString(), content: [{ type: 'output_text', text: 'Hi', annotations: [] }] } };
  },
};
void createChatKitHandler(custom);

// @ts-expect-error respond must yield ChatKit events
createChatKitHandler({ async *respond() { yield { type: 'not-an-event' }; } });
