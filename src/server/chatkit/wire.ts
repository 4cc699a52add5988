import type { Attachment, Page, Thread, ThreadItem, ThreadMetadata } from './types.js';
import { isHiddenItem } from './types.js';

/**
 * Fields whose value is the integration's own JSON: kept exactly as given (nulls inside included), as pydantic's
 * `exclude_none` leaves `dict[str, Any]` / `Any` fields alone.
 */
const FREEFORM_FIELDS = new Set(['metadata', 'arguments', 'output', 'payload', 'result']);
/** Objects whose `data` (or `content`) is free-form, unlike `Page.data`. */
const FREEFORM_DATA_OWNERS = new Set(['input_tag', 'entity', 'client_effect']);

/**
 * The JSON the Python SDK would send for a value: fields that are `null` or `undefined` are left out
 * (`model_dump_json(exclude_none=True)`), except inside free-form fields; attachments lose their server-only
 * `metadata` (`exclude_metadata`).
 */
export function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  const attachment = isAttachment(value);
  const type = (value as { type?: unknown }).type;
  for (const [key, field] of Object.entries(value)) {
    if (field === null || field === undefined) continue;
    if (attachment && key === 'metadata') continue;
    const freeform =
      FREEFORM_FIELDS.has(key) ||
      (key === 'data' && FREEFORM_DATA_OWNERS.has(type as string)) ||
      (key === 'content' && type === 'hidden_context_item');
    out[key] = freeform ? field : toWire(field);
  }
  return out;
}

/** One SSE frame: `data: <json>\n\n`. */
export function sseFrame(event: unknown): string {
  return `data: ${JSON.stringify(toWire(event))}\n\n`;
}

function isAttachment(value: object): boolean {
  const record = value as Partial<Attachment>;
  return (record.type === 'file' || record.type === 'image') && typeof record.mime_type === 'string' && typeof record.name === 'string';
}

/**
 * A thread as the client sees it (`_to_thread_response`): hidden-context items filtered out of its page, and its
 * server-side `metadata` not sent (answered as `{}`, as the Python SDK does).
 */
export function toThreadResponse(thread: ThreadMetadata, items?: Page<ThreadItem>): Thread {
  const page: Page<ThreadItem> = items
    ? { ...items, data: items.data.filter((item) => !isHiddenItem(item)) }
    : { data: [], has_more: false, after: null };
  return {
    id: thread.id,
    title: thread.title ?? null,
    created_at: thread.created_at,
    status: thread.status ?? { type: 'active' },
    allowed_image_domains: thread.allowed_image_domains ?? null,
    metadata: {},
    items: page,
  };
}
