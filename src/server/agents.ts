/**
 * `managed-chatkit/server/agents`: running `@openai/agents` Agents behind `createChatKitHandler` — the TypeScript
 * counterpart of chatkit-python's `chatkit/agents.py`. Importing this entry loads the Agents SDK (an optional peer,
 * `npm install @openai/agents`); `createChatKitHandler({ agent })` alone needs none of it. See docs/chatkit-server.md.
 */
export {
  agentResponder,
  streamAgentResponse,
  type AgentResponderOptions,
  type AgentRespond,
  type AgentRespondOptions,
  type StreamAgentResponseOptions,
  type StreamedRun,
} from './chatkit/agents.js';
export { AgentContext, type AgentContextInit, type ClientToolCall } from './chatkit/agent-context.js';
export {
  ThreadItemConverter,
  simpleToAgentInput,
  loadThreadHistory,
  ConverterNotImplementedError,
  type AgentInputResult,
  type AgentUserContent,
} from './chatkit/agent-input.js';
export { ResponseStreamConverter, accumulateText } from './chatkit/response-converter.js';
