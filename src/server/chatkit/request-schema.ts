import { z } from 'zod';

/**
 * zod schemas of every ChatKit request (`ChatKitReq` in chatkit-python's types.py), applying the Python SDK's
 * defaults (`order` 'desc', `metadata` {}, structured-input `status` 'answered', …). Unknown fields are ignored, as
 * pydantic does; a missing or mistyped field is refused with a message naming its path (see {@link parseChatKitRequest}).
 */

const text = z.string();
const id = z.string().min(1, 'must be a non-empty id');
const freeform = z.record(z.string(), z.unknown());
const metadata = freeform.default(() => ({}));

const userMessageContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input_text'), text }),
  z.object({
    type: z.literal('input_tag'),
    id: text,
    text,
    data: freeform.default(() => ({})),
    group: text.nullish(),
    interactive: z.boolean().default(false),
  }),
]);

const inferenceOptions = z.object({
  tool_choice: z.object({ id: text }).nullish(),
  model: text.nullish(),
});

const userMessageInput = z.object({
  content: z.array(userMessageContent),
  attachments: z.array(id).default(() => []),
  quoted_text: text.nullish(),
  inference_options: inferenceOptions.default(() => ({})),
});

const action = z.object({
  type: text,
  payload: z.unknown().default(null),
});

/** A page size: 0 or absent means the default (20); the server caps it at MAX_PAGE_SIZE. */
const limit = z.int().min(0).nullish();
const order = z.enum(['asc', 'desc']).default('desc');
const cursor = text.nullish();

const structuredInputSubmission = z.object({
  status: z.enum(['answered', 'skipped']).default('answered'),
  answers: z
    .record(
      z.string(),
      z.object({
        values: z.array(text).default(() => []),
        skipped: z.boolean().default(false),
      }),
    )
    .default(() => ({})),
});

const attachmentCreateParams = z.object({
  name: text,
  size: z.int().min(0),
  mime_type: text,
});

function request<T extends string, P extends z.ZodType>(type: T, params: P) {
  return z.object({ type: z.literal(type), params, metadata });
}

export const threadsCreateRequest = request('threads.create', z.object({ input: userMessageInput }));
export const threadsAddUserMessageRequest = request('threads.add_user_message', z.object({ input: userMessageInput, thread_id: id }));
export const threadsAddClientToolOutputRequest = request('threads.add_client_tool_output', z.object({ thread_id: id, result: z.unknown() }));
export const threadsAddStructuredInputRequest = request(
  'threads.add_structured_input',
  z.object({ thread_id: id, item_id: id, input: structuredInputSubmission }),
);
export const threadsRetryAfterItemRequest = request('threads.retry_after_item', z.object({ thread_id: id, item_id: id }));
const customActionParams = z.object({ thread_id: id, item_id: id.nullish(), action });
export const threadsCustomActionRequest = request('threads.custom_action', customActionParams);

export const threadsGetByIdRequest = request('threads.get_by_id', z.object({ thread_id: id }));
export const threadsListRequest = request('threads.list', z.object({ limit, order, after: cursor }));
export const itemsListRequest = request('items.list', z.object({ thread_id: id, limit, order, after: cursor }));
export const itemsFeedbackRequest = request(
  'items.feedback',
  z.object({ thread_id: id, item_ids: z.array(id), kind: z.enum(['positive', 'negative']) }),
);
export const attachmentsCreateRequest = request('attachments.create', attachmentCreateParams);
export const attachmentsDeleteRequest = request('attachments.delete', z.object({ attachment_id: id }));
export const threadsUpdateRequest = request('threads.update', z.object({ thread_id: id, title: text }));
export const threadsDeleteRequest = request('threads.delete', z.object({ thread_id: id }));
export const inputTranscribeRequest = request('input.transcribe', z.object({ audio_base64: text, mime_type: text }));
export const threadsSyncCustomActionRequest = request('threads.sync_custom_action', customActionParams);

const streamingRequests = [
  threadsCreateRequest,
  threadsAddUserMessageRequest,
  threadsAddClientToolOutputRequest,
  threadsAddStructuredInputRequest,
  threadsRetryAfterItemRequest,
  threadsCustomActionRequest,
] as const;

const nonStreamingRequests = [
  threadsGetByIdRequest,
  threadsListRequest,
  itemsListRequest,
  itemsFeedbackRequest,
  attachmentsCreateRequest,
  attachmentsDeleteRequest,
  threadsUpdateRequest,
  threadsDeleteRequest,
  inputTranscribeRequest,
  threadsSyncCustomActionRequest,
] as const;

/** Every ChatKit request, discriminated by `type`. */
export const chatKitRequestSchema = z.discriminatedUnion('type', [...streamingRequests, ...nonStreamingRequests]);

/** A validated request with the Python SDK's defaults applied. */
export type ChatKitRequest = z.output<typeof chatKitRequestSchema>;
/** The requests answered with a `text/event-stream` (`StreamingReq`). */
export type StreamingRequest = z.output<(typeof streamingRequests)[number]>;
/** The requests answered with one JSON body (`NonStreamingReq`). */
export type NonStreamingRequest = z.output<(typeof nonStreamingRequests)[number]>;
/** Answers to a pending structured-input item. */
export type StructuredInputSubmission = z.output<typeof structuredInputSubmission>;
/** What `attachments.create` carries: the file's name, size in bytes and MIME type. */
export type AttachmentCreateParams = z.output<typeof attachmentCreateParams>;

/** Request types, in the order of the Python SDK's unions. */
export const STREAMING_REQUEST_TYPES: readonly string[] = streamingRequests.map((schema) => schema.shape.type.value);
export const NON_STREAMING_REQUEST_TYPES: readonly string[] = nonStreamingRequests.map((schema) => schema.shape.type.value);
const ALL_TYPES = [...STREAMING_REQUEST_TYPES, ...NON_STREAMING_REQUEST_TYPES];

/** Whether a request is answered as a stream of events. */
export function isStreamingRequest(request: ChatKitRequest): request is StreamingRequest {
  return STREAMING_REQUEST_TYPES.includes(request.type);
}

/** The outcome of {@link parseChatKitRequest}. */
export type ParseResult = { ok: true; request: ChatKitRequest } | { ok: false; error: string };

/**
 * Validates a decoded JSON body as a ChatKit request. On failure, `error` names the field path and the problem,
 * e.g. `params.input.content[0].text: expected string, received number`.
 */
export function parseChatKitRequest(body: unknown): ParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'The request body must be a JSON object such as {"type": "threads.list", "params": {}}' };
  }
  const type = (body as { type?: unknown }).type;
  if (typeof type !== 'string' || !ALL_TYPES.includes(type)) {
    const got = type === undefined ? 'it is missing' : `got ${JSON.stringify(type)?.slice(0, 80)}`;
    return { ok: false, error: `type: expected one of ${ALL_TYPES.map((name) => `"${name}"`).join(', ')}; ${got}` };
  }
  const result = chatKitRequestSchema.safeParse(body);
  if (result.success) return { ok: true, request: result.data };
  const issues = result.error.issues.slice(0, 3).map((issue) => describeIssue(issue, body));
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  return { ok: false, error: `Invalid ${type} request: ${issues.join('; ')}${more}` };
}

/** `params.input.content[0].text` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out || '(body)';
}

function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  const where = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const received = kindOf(valueAt(body, issue.path));
      return received === 'undefined' ? `${where}: required (${issue.expected})` : `${where}: expected ${issue.expected}, received ${received}`;
    }
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) {
        const got = valueAt(body, issue.path);
        const received = got === undefined ? 'it is missing' : `got ${JSON.stringify(got)?.slice(0, 80)}`;
        return `${where}: expected one of ${options.map((value) => JSON.stringify(value)).join(', ')}; ${received}`;
      }
      return `${where}: ${issue.message}`;
    }
    default:
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
