/**
 * `agentResponder` and `streamAgentResponse` for the package entry, loading `./agents.js` (and with it
 * `@openai/agents`) only when first called, so that importing `managed-chatkit/server` never requires the SDK.
 */
import type * as Agents from './agents.js';
import type { Respond } from './server.js';
import type { StoreContext } from './store/store.js';
import type { ThreadStreamEvent } from './types.js';

let agentsModule: Promise<typeof Agents> | undefined;

/** The agents module, imported once; a missing `@openai/agents` is an error that names the fix. */
export function loadAgents(): Promise<typeof Agents> {
  return (agentsModule ??= import('./agents.js').catch((error: unknown) => {
    agentsModule = undefined;
    throw new Error(
      `managed-chatkit: running an Agent needs the package @openai/agents (npm install @openai/agents@">=0.14"): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }));
}

/**
 * The responder of `createChatKitHandler({ agent })`: runs `agent` with the thread's history and streams its output
 * as ChatKit events. See `agents.ts` for the options.
 */
export function agentResponder<TContext extends StoreContext = StoreContext>(
  agent: Parameters<typeof Agents.agentResponder>[0],
  options?: Agents.AgentResponderOptions<TContext>,
): Respond<TContext> {
  let respond: Promise<Agents.AgentRespond<TContext>> | undefined;
  return async function* lazyAgentResponder(thread, input, context, respondOptions) {
    const run = await (respond ??= loadAgents().then((module) => module.agentResponder<TContext>(agent, options)));
    yield* run(thread, input, context, respondOptions);
  };
}

/** A streamed Agents SDK run → ChatKit thread stream events (chatkit-python's `stream_agent_response`). */
export async function* streamAgentResponse<TContext extends StoreContext>(
  ...args: Parameters<typeof Agents.streamAgentResponse<TContext>>
): AsyncGenerator<ThreadStreamEvent, void, undefined> {
  const module = await loadAgents();
  yield* module.streamAgentResponse<TContext>(...args);
}
