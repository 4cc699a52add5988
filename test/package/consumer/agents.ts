// Agent Builder's "export to Agents SDK (TypeScript)" behind createChatKitHandler, as docs/chatkit-server.md shows it.
import { Agent, tool } from '@openai/agents';
import { z } from 'zod';
import { createChatKitHandler, SqliteStore } from 'managed-chatkit/server';
import { agentResponder, AgentContext } from 'managed-chatkit/server/agents';

const lookup = tool({
  name: 'lookup_order',
  description: 'Look up an order',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }) => `Order ${id} ships tomorrow`,
});
export const supportAgent = new Agent({ name: 'Support', instructions: 'Answer briefly.', tools: [lookup] });

void createChatKitHandler({ agent: supportAgent, store: new SqliteStore('.chatkit/chatkit.db') });
void createChatKitHandler({ respond: agentResponder(supportAgent, { historyLimit: 50 }) });
void AgentContext;

// @ts-expect-error an agent is an @openai/agents Agent, not its name
createChatKitHandler({ agent: 'Support' });
