/**
 * PROVISIONAL SKELETON — the protocol helper replaces this file with the full protocol (every request, item and
 * event of chatkit-python 1.6.5 `types.py`). The names exported here must stay: the store layer imports them.
 */

/** One page of a paginated listing (`Page` in types.py). `after` is the cursor for the next page. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  after: string | null;
}

export type ThreadStatus = { type: 'active' } | { type: 'locked'; reason?: string | null } | { type: 'closed'; reason?: string | null };

/** Thread without its items (`ThreadMetadata`). `created_at` is an ISO 8601 string on the wire and in stores. */
export interface ThreadMetadata {
  id: string;
  title?: string | null;
  created_at: string;
  status: ThreadStatus;
  allowed_image_domains?: string[] | null;
  metadata: Record<string, unknown>;
}

/** Any thread item (user_message, assistant_message, client_tool_call, widget, …). */
export interface ThreadItem {
  id: string;
  thread_id: string;
  created_at: string;
  type: string;
  [field: string]: unknown;
}

/** A file or image attachment (`Attachment`). */
export interface Attachment {
  id: string;
  type: 'file' | 'image';
  name: string;
  mime_type: string;
  thread_id?: string | null;
  [field: string]: unknown;
}
