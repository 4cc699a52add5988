/**
 * The Agent behind demo/custom.html ("your own server"): an `@openai/agents` Agent with one server tool, answering
 * through `createChatKitHandler`. Offline (no `OPENAI_API_KEY`) its model is the fake model of test/fixtures, which
 * streams a canned answer word by word with a model's delays; live it is a real OpenAI model (`OPENAI_MODEL`, else
 * the Agents SDK's default).
 */
import { Agent, setTracingDisabled, tool, type AgentInputItem } from '@openai/agents';
import { z } from 'zod';
import type { AgentContext } from '../src/server/agents.js';
import { fakeModel } from '../test/fixtures/fake-model.js';

/** Delays of the offline model: a model's time to first token, and a word every few tens of milliseconds. */
export const DEMO_FIRST_TOKEN_MS = 450;
export const DEMO_TOKEN_MS = 30;

export interface DemoAgentOptions {
  /** A real model through the OpenAI API (needs `OPENAI_API_KEY`) instead of the offline fake model. */
  live: boolean;
  /** One line saying where the threads are kept, e.g. "SQLite, .chatkit/demo.db". */
  storeDescription: string;
}

const TOOL_NAME = 'describe_demo_server';

/** What the tool tells the model (and, offline, what the canned answer quotes). */
interface ServerFacts {
  handler: string;
  store: string;
  itemsInThread: number;
}

/** The agent's one tool: shows a workflow task in the chat, then reports facts about the server it runs in. */
function describeServerTool(storeDescription: string) {
  return tool({
    name: TOOL_NAME,
    description: 'Describes the ChatKit server this conversation runs on: the handler, where threads are stored, and how long this thread is.',
    parameters: z.object({}),
    async execute(_args, runContext) {
      const ctx = runContext!.context as AgentContext;
      const items = await ctx.store.loadThreadItems(ctx.thread.id, null, 1000, 'asc', ctx.requestContext);
      const facts: ServerFacts = { handler: 'createChatKitHandler at POST /api/chatkit', store: storeDescription, itemsInThread: items.data.length };
      await ctx.addWorkflowTask({
        type: 'custom',
        title: `Called the ${TOOL_NAME} tool`,
        content: `${facts.store}; ${facts.itemsInThread} item(s) in this thread so far`,
        status_indicator: 'complete',
      });
      return JSON.stringify(facts);
    },
  });
}

const INSTRUCTIONS = [
  'You are the assistant of the managed-chatkit demo page "Your own server".',
  'The page shows <managed-chatkit api-url="/api/chatkit" domain-key="…">: ChatKit talks directly to a ChatKit server',
  '(createChatKitHandler from managed-chatkit/server) that runs this agent with the @openai/agents SDK and stores the thread.',
  `Call ${TOOL_NAME} when the user asks about the server, the store or the thread. Answer briefly.`,
].join(' ');

/** The demo's Agent. */
export function demoAgent(options: DemoAgentOptions): Agent {
  const describeServer = describeServerTool(options.storeDescription);
  if (options.live) {
    const model = process.env.OPENAI_MODEL?.trim();
    return new Agent({ name: 'Demo assistant', instructions: INSTRUCTIONS, tools: [describeServer], ...(model ? { model } : {}) });
  }
  // Offline there is no key to export traces with (the SDK would warn at every run).
  setTracingDisabled(true);
  return new Agent({
    name: 'Demo assistant (offline)',
    instructions: INSTRUCTIONS,
    tools: [describeServer],
    model: fakeModel({
      reply: offlineReply,
      firstTokenMs: DEMO_FIRST_TOKEN_MS,
      tokenMs: DEMO_TOKEN_MS,
      toolCall: { name: TOOL_NAME, arguments: {} },
    }),
  });
}

/** The offline model's answer: what the newcomer is looking at, with the tool's facts and the thread's length. */
export function offlineReply(input: AgentInputItem[]): string {
  // The thread's history also holds notes about earlier workflows as user-role items: count answers instead.
  const turn = input.filter((item) => (item as { role?: string }).role === 'assistant').length + 1;
  const lastUser = input.findLast((item) => (item as { role?: string }).role === 'user');
  const said = textOf(lastUser).replace(/\s+/g, ' ').trim();
  const quoted = said.length > 80 ? `${said.slice(0, 77)}…` : said;
  const facts = toolFacts(input);
  const where = facts ? `Your messages are stored in ${facts.store}.` : 'Your messages are stored by the server.';
  if (turn === 1) {
    return [
      `You said “${quoted}”. This answer is streamed, word by word, by your own ChatKit server: createChatKitHandler from managed-chatkit/server, mounted in Vite's dev server at POST /api/chatkit.`,
      'It runs an @openai/agents Agent whose model is an offline fake, so no API key is needed; before answering, the agent called a server tool (the workflow above).',
      `${where} Reload the page: persist-thread reopens this thread, loaded from the server. Then send another message to continue it.`,
      'Set OPENAI_API_KEY to talk to a real model, and CHATKIT_DOMAIN_KEY to use the real ChatKit script.',
    ].join('\n\n');
  }
  return [
    `You said “${quoted}”. This is message ${turn} of the same thread: the server loaded the thread from its store${facts ? ` (${facts.itemsInThread} items, yours included)` : ''} and gave it to the agent as history.`,
    `${where} To deploy the same thing, pass your Agent (for example Agent Builder's “export to Agents SDK (TypeScript)”) to createChatKitHandler({ agent }).`,
  ].join('\n\n');
}

function textOf(item: AgentInputItem | undefined): string {
  const content = (item as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? '').join('');
  return '';
}

/** The facts of the latest `describe_demo_server` result in the model's input, if any. */
function toolFacts(input: AgentInputItem[]): ServerFacts | null {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as { type?: string; name?: string; output?: unknown };
    if (item.type !== 'function_call_result' || item.name !== TOOL_NAME) continue;
    const output = typeof item.output === 'string' ? item.output : (item.output as { text?: string } | undefined)?.text;
    try {
      return JSON.parse(output ?? '') as ServerFacts;
    } catch {
      return null;
    }
  }
  return null;
}
