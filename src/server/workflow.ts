import { HttpError } from './responses.js';

const MAX_ID_LENGTH = 256;

/**
 * Picks the workflow of a session. The configured `workflowId` is used unless the browser sent
 * `{"workflow": {"id": "…"}}`; a browser-sent id must equal the configured one or be allowed by
 * `allowClientWorkflow` (`true`: any id; a list: those ids), so a page cannot run arbitrary workflows on your key.
 * @throws {HttpError} 400 for a malformed or refused `workflow`, 500 when no workflow is configured at all.
 */
export function chooseWorkflow(requested: unknown, configured: string | undefined, allowClientWorkflow: boolean | readonly string[]): string {
  if (requested !== undefined) {
    const id = typeof requested === 'object' && requested !== null ? (requested as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_ID_LENGTH) {
      throw new HttpError(400, `workflow.id in the request body must be a non-empty string of at most ${MAX_ID_LENGTH} characters, or leave workflow out`);
    }
    const allowed = id === configured || allowClientWorkflow === true || (Array.isArray(allowClientWorkflow) && allowClientWorkflow.includes(id));
    if (!allowed) {
      throw new HttpError(
        400,
        `workflow.id ${JSON.stringify(id)} in the request body is not accepted: this server uses its configured workflow (workflowId / CHATKIT_WORKFLOW_ID); list the id in allowClientWorkflow to let pages choose it, or drop the workflow-id attribute`,
      );
    }
    return id;
  }
  if (!configured) {
    throw new HttpError(500, 'No ChatKit workflow is configured: set CHATKIT_WORKFLOW_ID in the server environment or pass workflowId to createSessionHandler');
  }
  return configured;
}
