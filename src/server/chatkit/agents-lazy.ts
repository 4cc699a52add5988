/**
 * Loads `./agents.js` (and with it `@openai/agents`) when `createChatKitHandler({ agent })` first needs it, so that
 * importing `managed-chatkit/server` never requires the SDK.
 */
import type * as Agents from './agents.js';

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
