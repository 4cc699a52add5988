/**
 * The ChatKit protocol as TypeScript types: every request, thread, item, event and update of OpenAI's ChatKit Python
 * SDK (`openai-chatkit` 1.6.5, `chatkit/types.py`). Field names are the wire names (snake_case); dates are ISO 8601
 * strings. The zod schemas that validate requests at the boundary live in `request-schema.ts`.
 */

// ── Pagination ────────────────────────────────────────────────────────────────────────────────────────────────────

/** One page of a paginated listing (`Page` in types.py). `after` is the cursor for the next page. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  after: string | null;
}

// ── Threads ───────────────────────────────────────────────────────────────────────────────────────────────────────

export interface ActiveStatus {
  type: 'active';
}
export interface LockedStatus {
  type: 'locked';
  reason?: string | null;
}
export interface ClosedStatus {
  type: 'closed';
  reason?: string | null;
}
/** Lifecycle state of a thread (default `{type: 'active'}`). */
export type ThreadStatus = ActiveStatus | LockedStatus | ClosedStatus;

/** Thread without its items (`ThreadMetadata`). `created_at` is an ISO 8601 string on the wire and in stores. */
export interface ThreadMetadata {
  id: string;
  title?: string | null;
  created_at: string;
  status: ThreadStatus;
  allowed_image_domains?: string[] | null;
  /** Server-side metadata; stored, never sent to the client (the Python SDK answers `{}`). */
  metadata: Record<string, unknown>;
}

/** Thread with its first page of items (`Thread`), as answered by `threads.get_by_id` and in thread events. */
export interface Thread extends ThreadMetadata {
  items: Page<ThreadItem>;
}

// ── Sources and annotations ───────────────────────────────────────────────────────────────────────────────────────

interface SourceBase {
  title: string;
  description?: string | null;
  timestamp?: string | null;
  group?: string | null;
}
export interface FileSource extends SourceBase {
  type: 'file';
  filename: string;
}
export interface URLSource extends SourceBase {
  type: 'url';
  url: string;
  attribution?: string | null;
}
export interface EntitySource extends SourceBase {
  type: 'entity';
  id: string;
  icon?: string | null;
  label?: string | null;
  inline_label?: string | null;
  interactive?: boolean;
  data?: Record<string, unknown>;
}
export type Source = URLSource | FileSource | EntitySource;

/** Reference to supporting context attached to assistant output. */
export interface Annotation {
  type: 'annotation';
  source: Source;
  index?: number | null;
}

// ── Message content ───────────────────────────────────────────────────────────────────────────────────────────────

/** Assistant output text with its annotations. */
export interface AssistantMessageContent {
  type: 'output_text';
  text: string;
  annotations: Annotation[];
}

export interface UserMessageTextContent {
  type: 'input_text';
  text: string;
}
export interface UserMessageTagContent {
  type: 'input_tag';
  id: string;
  text: string;
  data: Record<string, unknown>;
  group?: string | null;
  interactive: boolean;
}
export type UserMessageContent = UserMessageTextContent | UserMessageTagContent;

/** Explicit tool selection for the assistant. */
export interface ToolChoice {
  id: string;
}
/** Model and tool configuration the user picked in the composer. */
export interface InferenceOptions {
  tool_choice?: ToolChoice | null;
  model?: string | null;
}

/** What the client sends for a new user message (`UserMessageInput`); attachments are attachment ids. */
export interface UserMessageInput {
  content: UserMessageContent[];
  attachments: string[];
  quoted_text?: string | null;
  inference_options: InferenceOptions;
}

// ── Attachments ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Two-phase upload instructions. */
export interface AttachmentUploadDescriptor {
  url: string;
  method: 'POST' | 'PUT';
  headers?: Record<string, string>;
}

interface AttachmentBase {
  id: string;
  name: string;
  mime_type: string;
  /** Set until a two-phase upload is complete. */
  upload_descriptor?: AttachmentUploadDescriptor | null;
  /** The thread the attachment belongs to, set when the user message that carries it is saved. */
  thread_id?: string | null;
  /** Integration-only metadata: stored, never sent to the client. */
  metadata?: Record<string, unknown> | null;
}
export interface FileAttachment extends AttachmentBase {
  type: 'file';
}
export interface ImageAttachment extends AttachmentBase {
  type: 'image';
  preview_url: string;
}
/** A file or image attachment (`Attachment`). */
export type Attachment = FileAttachment | ImageAttachment;

// ── Widgets and actions ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * A widget component (`widgets.py`): a JSON object with a `type` (`Text`, `Button`, `Row`, …) and its props.
 * Typed loosely: ChatKit.js validates widgets when it renders them.
 */
export interface WidgetComponent {
  type: string;
  id?: string | null;
  key?: string | null;
  children?: WidgetComponent[];
  [prop: string]: unknown;
}
/** A top-level widget: `Card`, `ListView` or `Basic`. */
export interface WidgetRoot extends WidgetComponent {
  type: 'Card' | 'ListView' | 'Basic' | (string & {});
}

/** A widget or client action (`Action`): a `type` of your choosing and any JSON payload. */
export interface Action<TType extends string = string, TPayload = unknown> {
  type: TType;
  payload: TPayload;
}

// ── Workflows and tasks ───────────────────────────────────────────────────────────────────────────────────────────

interface TaskBase {
  /** Only used when the task is rendered inside a workflow. Default `none`. */
  status_indicator?: 'none' | 'loading' | 'complete';
}
export interface CustomTask extends TaskBase {
  type: 'custom';
  title?: string | null;
  icon?: string | null;
  content?: string | null;
}
export interface SearchTask extends TaskBase {
  type: 'web_search';
  title?: string | null;
  title_query?: string | null;
  queries?: string[];
  sources?: URLSource[];
}
export interface ThoughtTask extends TaskBase {
  type: 'thought';
  title?: string | null;
  content: string;
}
export interface FileTask extends TaskBase {
  type: 'file';
  title?: string | null;
  sources?: FileSource[];
}
export interface ImageTask extends TaskBase {
  type: 'image';
  title?: string | null;
}
export type Task = CustomTask | SearchTask | ThoughtTask | FileTask | ImageTask;

export interface CustomSummary {
  title: string;
  icon?: string | null;
}
export interface DurationSummary {
  /** Seconds. */
  duration: number;
}
export type WorkflowSummary = CustomSummary | DurationSummary;

export interface Workflow {
  type: 'custom' | 'reasoning';
  tasks: Task[];
  summary?: WorkflowSummary | null;
  expanded?: boolean;
}

// ── Structured input ──────────────────────────────────────────────────────────────────────────────────────────────

export interface StructuredInputAnswer {
  values: string[];
  skipped: boolean;
}
interface StructuredInputBase {
  id: string;
  question: string;
  answer?: StructuredInputAnswer | null;
}
export interface StructuredInputMultipleChoiceOption {
  value: string;
}
export interface StructuredInputMultipleChoice extends StructuredInputBase {
  type: 'multiple_choice';
  options: StructuredInputMultipleChoiceOption[];
  multiple?: boolean;
}
export interface StructuredInputFreeform extends StructuredInputBase {
  type: 'freeform';
  description?: string | null;
}
export type StructuredInput = StructuredInputMultipleChoice | StructuredInputFreeform;

// ── Thread items ──────────────────────────────────────────────────────────────────────────────────────────────────

interface ThreadItemBase {
  id: string;
  thread_id: string;
  /** ISO 8601. */
  created_at: string;
}

export interface UserMessageItem extends ThreadItemBase {
  type: 'user_message';
  content: UserMessageContent[];
  attachments: Attachment[];
  quoted_text?: string | null;
  inference_options: InferenceOptions;
}
export interface AssistantMessageItem extends ThreadItemBase {
  type: 'assistant_message';
  content: AssistantMessageContent[];
}
export interface ClientToolCallItem extends ThreadItemBase {
  type: 'client_tool_call';
  status: 'pending' | 'completed';
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
}
export interface WidgetItem extends ThreadItemBase {
  type: 'widget';
  widget: WidgetRoot;
  copy_text?: string | null;
}
export interface GeneratedImage {
  id: string;
  url: string;
}
export interface GeneratedImageItem extends ThreadItemBase {
  type: 'generated_image';
  image?: GeneratedImage | null;
}
export interface StructuredInputItem extends ThreadItemBase {
  type: 'structured_input';
  status: 'pending' | 'answered' | 'skipped';
  inputs: StructuredInput[];
}
export interface TaskItem extends ThreadItemBase {
  type: 'task';
  task: Task;
}
export interface WorkflowItem extends ThreadItemBase {
  type: 'workflow';
  workflow: Workflow;
}
/** Marks the end of the assistant's turn. */
export interface EndOfTurnItem extends ThreadItemBase {
  type: 'end_of_turn';
}
/** Context for your own responder, kept in the thread and never sent to the client. */
export interface HiddenContextItem extends ThreadItemBase {
  type: 'hidden_context_item';
  content: unknown;
}
/** Context the server itself stores (e.g. "the user cancelled the stream"); never sent to the client. */
export interface SDKHiddenContextItem extends ThreadItemBase {
  type: 'sdk_hidden_context';
  content: string;
}

/** Any thread item. */
export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | ClientToolCallItem
  | WidgetItem
  | GeneratedImageItem
  | StructuredInputItem
  | WorkflowItem
  | TaskItem
  | HiddenContextItem
  | SDKHiddenContextItem
  | EndOfTurnItem;

/** The `type` of every thread item. */
export type ThreadItemType = ThreadItem['type'];

/** Whether an item is hidden context (stored, never sent to the client). */
export function isHiddenItem(item: ThreadItem): item is HiddenContextItem | SDKHiddenContextItem {
  return item.type === 'hidden_context_item' || item.type === 'sdk_hidden_context';
}

// ── Item updates (the `update` of `thread.item.updated`) ──────────────────────────────────────────────────────────

export interface AssistantMessageContentPartAdded {
  type: 'assistant_message.content_part.added';
  content_index: number;
  content: AssistantMessageContent;
}
export interface AssistantMessageContentPartTextDelta {
  type: 'assistant_message.content_part.text_delta';
  content_index: number;
  delta: string;
}
export interface AssistantMessageContentPartAnnotationAdded {
  type: 'assistant_message.content_part.annotation_added';
  content_index: number;
  annotation_index: number;
  annotation: Annotation;
}
export interface AssistantMessageContentPartDone {
  type: 'assistant_message.content_part.done';
  content_index: number;
  content: AssistantMessageContent;
}
export interface WidgetStreamingTextValueDelta {
  type: 'widget.streaming_text.value_delta';
  component_id: string;
  delta: string;
  done: boolean;
}
export interface WidgetRootUpdated {
  type: 'widget.root.updated';
  widget: WidgetRoot;
}
export interface WidgetComponentUpdated {
  type: 'widget.component.updated';
  component_id: string;
  component: WidgetComponent;
}
export interface WorkflowTaskAdded {
  type: 'workflow.task.added';
  task_index: number;
  task: Task;
}
export interface WorkflowTaskUpdated {
  type: 'workflow.task.updated';
  task_index: number;
  task: Task;
}
export interface GeneratedImageUpdated {
  type: 'generated_image.updated';
  image: GeneratedImage;
  progress?: number | null;
}

export type ThreadItemUpdate =
  | AssistantMessageContentPartAdded
  | AssistantMessageContentPartTextDelta
  | AssistantMessageContentPartAnnotationAdded
  | AssistantMessageContentPartDone
  | WidgetStreamingTextValueDelta
  | WidgetComponentUpdated
  | WidgetRootUpdated
  | WorkflowTaskAdded
  | WorkflowTaskUpdated
  | GeneratedImageUpdated;

// ── Stream events ─────────────────────────────────────────────────────────────────────────────────────────────────

export interface ThreadCreatedEvent {
  type: 'thread.created';
  thread: Thread;
}
export interface ThreadUpdatedEvent {
  type: 'thread.updated';
  thread: Thread;
}
export interface ThreadItemAddedEvent {
  type: 'thread.item.added';
  item: ThreadItem;
}
export interface ThreadItemUpdatedEvent {
  type: 'thread.item.updated';
  item_id: string;
  update: ThreadItemUpdate;
}
/** The item is complete: the server saves it when it sees this event. */
export interface ThreadItemDoneEvent {
  type: 'thread.item.done';
  item: ThreadItem;
}
export interface ThreadItemRemovedEvent {
  type: 'thread.item.removed';
  item_id: string;
}
export interface ThreadItemReplacedEvent {
  type: 'thread.item.replaced';
  item: ThreadItem;
}

/** Runtime settings of one stream. */
export interface StreamOptions {
  /** Whether the client may cancel mid-stream. */
  allow_cancel: boolean;
}
export interface StreamOptionsEvent {
  type: 'stream_options';
  stream_options: StreamOptions;
}
export interface ProgressUpdateEvent {
  type: 'progress_update';
  icon?: string | null;
  text: string;
}
export interface ClientEffectEvent {
  type: 'client_effect';
  name: string;
  data: Record<string, unknown>;
}
export interface ErrorEvent {
  type: 'error';
  /** An `ErrorCode` value (e.g. `stream.error`), or `custom` with a `message`. */
  code: string;
  message?: string | null;
  allow_retry: boolean;
}
export interface NoticeEvent {
  type: 'notice';
  level: 'info' | 'warning' | 'danger';
  /** Markdown. */
  message: string;
  title?: string | null;
}

/** Every event a stream carries. */
export type ThreadStreamEvent =
  | ThreadCreatedEvent
  | ThreadUpdatedEvent
  | ThreadItemDoneEvent
  | ThreadItemAddedEvent
  | ThreadItemUpdatedEvent
  | ThreadItemRemovedEvent
  | ThreadItemReplacedEvent
  | StreamOptionsEvent
  | ProgressUpdateEvent
  | ClientEffectEvent
  | ErrorEvent
  | NoticeEvent;

// ── Non-streaming answers ─────────────────────────────────────────────────────────────────────────────────────────

/** Answer of `threads.sync_custom_action`. */
export interface SyncCustomActionResponse {
  updated_item?: ThreadItem | null;
}

/** Audio handed to the `transcribe` hook. */
export interface AudioInput {
  data: Uint8Array;
  /** Raw MIME type, e.g. `audio/webm;codecs=opus`. */
  mime_type: string;
  /** Base media type, e.g. `audio/webm`. */
  media_type: string;
}

/** Answer of `input.transcribe`. */
export interface TranscriptionResult {
  text: string;
}

export type FeedbackKind = 'positive' | 'negative';

// ── Requests (the parsed, defaulted form; see request-schema.ts) ──────────────────────────────────────────────────

export type {
  AttachmentCreateParams,
  ChatKitRequest,
  NonStreamingRequest,
  StreamingRequest,
  StructuredInputSubmission,
} from './request-schema.js';
