import { createSessionHandler, toNodeListener, type SessionHandlerOptions } from 'managed-chatkit/server';

const options: SessionHandlerOptions = { apiKey: 'sk-test', workflowId: 'wf_123', allowedOrigins: ['https://example.com'] };
const handler = createSessionHandler(options);
const answer: Promise<Response> = handler(new Request('https://example.com/api/chatkit/start', { method: 'POST' }));
const listener = toNodeListener(handler);
void answer;
void listener;

// @ts-expect-error workflowId is a string
createSessionHandler({ workflowId: 42 });
