import type { SessionLogger } from '../logger.js';
import { HttpError } from '../responses.js';
import { CustomStreamError, ErrorCode, StreamError } from './errors.js';
import { isStreamingRequest, parseChatKitRequest, type AttachmentCreateParams, type ChatKitRequest, type NonStreamingRequest, type StreamingRequest, type StructuredInputSubmission } from './request-schema.js';
import { defaultGenerateId, type Store, type StoreContext, type StoreItemType } from './store/store.js';
import {
  isHiddenItem,
  type Action,
  type AssistantMessageItem,
  type Attachment,
  type AudioInput,
  type FeedbackKind,
  type Page,
  type SDKHiddenContextItem,
  type StreamOptions,
  type StructuredInputItem,
  type SyncCustomActionResponse,
  type ThreadItem,
  type ThreadItemUpdatedEvent,
  type ThreadMetadata,
  type ThreadStreamEvent,
  type TranscriptionResult,
  type UserMessageInput,
  type UserMessageItem,
  type WidgetItem,
} from './types.js';
import { toThreadResponse, toWire } from './wire.js';

/** Items per page when a request gives no `limit` (chatkit-python's `DEFAULT_PAGE_SIZE`). */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest page one request gets; a larger `limit` is capped (the client pages on with `after`). */
export const MAX_PAGE_SIZE = 1000;
/** Shown by ChatKit for an error event without a message of your own (chatkit-python's `DEFAULT_ERROR_MESSAGE`). */
export const DEFAULT_ERROR_MESSAGE = 'An error occurred when generating a response.';
/** Content of the hidden item saved when a stream is cancelled, so the next answer does not continue the old one. */
export const STREAM_CANCELLED_CONTEXT = 'The user cancelled the stream. Stop responding to the prior request.';

/** What a responder (and the `action` hook) receives besides the thread, input and context. */
export interface RespondOptions<TContext extends StoreContext = StoreContext> {
  /** The handler's store, e.g. to load the thread's history. */
  store: Store<TContext>;
  /** Aborted when the client goes away: stop generating (pass it to your model call). */
  signal: AbortSignal;
  /** A new id for an item of this thread (`msg_…`, `tc_…`, `wf_…`), from the store's generator when it has one. */
  generateId(type: StoreItemType): string;
}

/**
 * Produces the assistant's answer as ChatKit events (chatkit-python's `ChatKitServer.respond`). `input` is the new
 * user message, or `null` when resuming after a client tool output or structured input. Mutate `thread` (title,
 * metadata, status) to have it saved and sent as `thread.updated`. Items are saved when their `thread.item.done`
 * passes through the server.
 */
export type Respond<TContext extends StoreContext = StoreContext> = (
  thread: ThreadMetadata,
  input: UserMessageItem | null,
  context: TContext,
  options: RespondOptions<TContext>,
) => AsyncIterable<ThreadStreamEvent>;

/** Where attachment bytes live (chatkit-python's `AttachmentStore`); the `Store` keeps their metadata. */
export interface AttachmentStore<TContext extends StoreContext = StoreContext> {
  /** Registers an upload and returns the attachment, with an `upload_descriptor` for two-phase uploads. */
  createAttachment?(params: AttachmentCreateParams, context: TContext): Promise<Attachment> | Attachment;
  /** Deletes the attachment's bytes. */
  deleteAttachment(attachmentId: string, context: TContext): Promise<void> | void;
}

/** Hooks mirroring chatkit-python's overridable `ChatKitServer` methods. All optional. */
export interface ChatKitHooks<TContext extends StoreContext = StoreContext> {
  /** Reacts to a widget or client action (`threads.custom_action`) with events. */
  action?(thread: ThreadMetadata, action: Action, sender: WidgetItem | null, context: TContext, options: RespondOptions<TContext>): AsyncIterable<ThreadStreamEvent>;
  /** Reacts to a synchronous action (`threads.sync_custom_action`) with at most one updated item. */
  syncAction?(thread: ThreadMetadata, action: Action, sender: WidgetItem | null, context: TContext): Promise<SyncCustomActionResponse> | SyncCustomActionResponse;
  /** Records thumbs up/down (`items.feedback`). Default: ignored. */
  addFeedback?(threadId: string, itemIds: string[], kind: FeedbackKind, context: TContext): Promise<void> | void;
  /** Speech to text for the composer's dictation (`input.transcribe`). */
  transcribe?(audio: AudioInput, context: TContext): Promise<TranscriptionResult> | TranscriptionResult;
  /** Stream settings sent first in every stream. Default `{ allow_cancel: true }`. */
  getStreamOptions?(thread: ThreadMetadata, context: TContext): StreamOptions;
  /**
   * Runs when the client goes away mid-stream, with the items that were added but not done. Default: saves the
   * non-empty assistant messages among them and a hidden note that the user cancelled (see {@link saveCancelledStream}).
   */
  handleStreamCancelled?(thread: ThreadMetadata, pendingItems: ThreadItem[], context: TContext, options: Omit<RespondOptions<TContext>, 'signal'>): Promise<void> | void;
  /** Needed for `attachments.create` / `attachments.delete`. */
  attachmentStore?: AttachmentStore<TContext>;
}

/** Options of {@link createChatKitServer}. */
export interface ChatKitServerOptions<TContext extends StoreContext = StoreContext> extends ChatKitHooks<TContext> {
  store: Store<TContext>;
  respond: Respond<TContext>;
  /** Receives one line per unexpected failure (default `console`). */
  logger?: SessionLogger;
}

/** What {@link ChatKitServer.process} answers: a stream of events, or one JSON value. */
export type ProcessResult = { streaming: true; events: AsyncIterable<ThreadStreamEvent> } | { streaming: false; json: unknown };

/** The protocol engine: transport-free, so it can be driven by the HTTP handler or directly in tests. */
export interface ChatKitServer<TContext extends StoreContext = StoreContext> {
  /**
   * Validates and runs one request. Streaming requests resolve once the request is accepted (thread loaded, user
   * message saved), so refusals are still errors here, not events.
   * @throws {HttpError} 400 for an invalid request (message names the field), 404 for an unknown (or another user's)
   *   thread, item or attachment, 501 for a request whose hook is not configured.
   */
  process(body: unknown, context: TContext, options?: { signal?: AbortSignal }): Promise<ProcessResult>;
}

/** The default `handleStreamCancelled`: persists non-empty pending assistant messages and a hidden cancel note. */
export async function saveCancelledStream<TContext extends StoreContext>(
  thread: ThreadMetadata,
  pendingItems: ThreadItem[],
  context: TContext,
  { store, generateId }: Omit<RespondOptions<TContext>, 'signal'>,
): Promise<void> {
  for (const item of pendingItems) {
    if (item.type !== 'assistant_message') continue;
    if (item.content.some((part) => part.text.trim() !== '')) await store.addThreadItem(thread.id, item, context);
  }
  const note: SDKHiddenContextItem = {
    type: 'sdk_hidden_context',
    id: generateId('sdk_hidden_context'),
    thread_id: thread.id,
    created_at: now(),
    content: STREAM_CANCELLED_CONTEXT,
  };
  await store.addThreadItem(thread.id, note, context);
}

/** Creates the engine behind `createChatKitHandler`: chatkit-python's `ChatKitServer.process`. */
export function createChatKitServer<TContext extends StoreContext = StoreContext>(options: ChatKitServerOptions<TContext>): ChatKitServer<TContext> {
  const { store } = options;
  const logger = options.logger ?? console;

  const threadId = (context: TContext) => store.generateThreadId?.(context) ?? defaultGenerateId('thread');
  const idsFor = (thread: ThreadMetadata, context: TContext) => (type: StoreItemType) =>
    type === 'thread' ? threadId(context) : (store.generateItemId?.(type, thread, context) ?? defaultGenerateId(type));

  function requireHook<T>(hook: T | undefined, request: string, option: string, signature: string): T {
    if (!hook) throw new HttpError(501, `${request} is not supported by this server: pass ${option}: ${signature} to createChatKitHandler`);
    return hook;
  }

  function attachmentStore(request: string): AttachmentStore<TContext> {
    return requireHook(options.attachmentStore, request, 'attachmentStore', '{ createAttachment(params, context), deleteAttachment(id, context) }');
  }

  // ── Non-streaming ─────────────────────────────────────────────────────────────────────────────────────────────

  async function processNonStreaming(request: NonStreamingRequest, context: TContext): Promise<unknown> {
    switch (request.type) {
      case 'threads.get_by_id': {
        const thread = await store.loadThread(request.params.thread_id, context);
        const items = await store.loadThreadItems(thread.id, null, DEFAULT_PAGE_SIZE, 'asc', context);
        return toThreadResponse(thread, items);
      }
      case 'threads.list': {
        const { limit, after, order } = request.params;
        const threads = await store.loadThreads(pageSize(limit), after ?? null, order, context);
        return { has_more: threads.has_more, after: threads.after, data: threads.data.map((thread) => toThreadResponse(thread)) };
      }
      case 'items.list': {
        const { thread_id, limit, after, order } = request.params;
        const items = await store.loadThreadItems(thread_id, after ?? null, pageSize(limit), order, context);
        return { ...items, data: items.data.filter((item) => !isHiddenItem(item)) } satisfies Page<ThreadItem>;
      }
      case 'items.feedback': {
        const { thread_id, item_ids, kind } = request.params;
        await store.loadThread(thread_id, context); // another user's thread is a 404 before any hook runs
        await options.addFeedback?.(thread_id, item_ids, kind, context);
        return {};
      }
      case 'attachments.create': {
        const files = attachmentStore('attachments.create');
        const create = requireHook(files.createAttachment?.bind(files), 'attachments.create (two-phase upload)', 'attachmentStore.createAttachment', '(params, context) => Attachment');
        const attachment = await create(request.params, context);
        await store.saveAttachment(attachment, context);
        return attachment;
      }
      case 'attachments.delete': {
        const files = attachmentStore('attachments.delete');
        const { attachment_id } = request.params;
        await store.loadAttachment(attachment_id, context); // only the owner may delete
        await files.deleteAttachment(attachment_id, context);
        await store.deleteAttachment(attachment_id, context);
        return {};
      }
      case 'input.transcribe': {
        const transcribe = requireHook(options.transcribe, 'input.transcribe', 'transcribe', '(audio, context) => ({ text })');
        const { audio_base64, mime_type } = request.params;
        const result = await transcribe({ data: decodeBase64(audio_base64), mime_type, media_type: mime_type.split(';', 1)[0]!.trim() }, context);
        return { text: result.text };
      }
      case 'threads.update': {
        const thread = await store.loadThread(request.params.thread_id, context);
        thread.title = request.params.title;
        await store.saveThread(thread, context);
        return toThreadResponse(thread);
      }
      case 'threads.delete':
        await store.loadThread(request.params.thread_id, context); // 404 for an unknown or foreign thread
        await store.deleteThread(request.params.thread_id, context);
        return {};
      case 'threads.sync_custom_action': {
        const syncAction = requireHook(options.syncAction, 'threads.sync_custom_action', 'syncAction', '(thread, action, sender, context) => ({ updated_item })');
        const { thread_id, item_id, action } = request.params;
        const thread = await store.loadThread(thread_id, context);
        const sender = item_id ? await store.loadItem(thread_id, item_id, context) : null;
        if (sender && sender.type !== 'widget') {
          throw new HttpError(400, `threads.sync_custom_action requires a widget sender item: ${item_id} is a ${sender.type}`);
        }
        const response = await syncAction(thread, action as Action, sender, context);
        return { updated_item: response?.updated_item ?? null };
      }
    }
  }

  // ── Streaming ─────────────────────────────────────────────────────────────────────────────────────────────────

  async function buildUserMessage(input: UserMessageInput, thread: ThreadMetadata, context: TContext): Promise<UserMessageItem> {
    const attachments: Attachment[] = [];
    for (const id of input.attachments) attachments.push({ ...(await store.loadAttachment(id, context)), thread_id: thread.id });
    return {
      type: 'user_message',
      id: idsFor(thread, context)('message'),
      thread_id: thread.id,
      created_at: now(),
      content: input.content,
      attachments,
      quoted_text: input.quoted_text ?? null,
      inference_options: input.inference_options,
    };
  }

  async function* respondToNewMessage(thread: ThreadMetadata, item: UserMessageItem, context: TContext, signal: AbortSignal): AsyncGenerator<ThreadStreamEvent> {
    for (const attachment of item.attachments) await store.saveAttachment(attachment, context);
    await store.addThreadItem(thread.id, item, context);
    yield { type: 'thread.item.done', item };
    yield* processEvents(thread, context, signal, (options) => options.respond(thread, item));
  }

  type Stream = (run: { respond: (thread: ThreadMetadata, input: UserMessageItem | null) => AsyncIterable<ThreadStreamEvent>; options: RespondOptions<TContext> }) => AsyncIterable<ThreadStreamEvent>;

  /**
   * Runs a responder and passes its events on (`_process_events`): saves items on done/replaced/removed, keeps
   * unfinished items for the cancel path, swallows hidden items, saves thread changes as `thread.updated`, turns
   * errors into `error` events, and on `signal` stops the responder and runs `handleStreamCancelled`.
   */
  async function* processEvents(thread: ThreadMetadata, context: TContext, signal: AbortSignal, stream: Stream): AsyncGenerator<ThreadStreamEvent> {
    yield { type: 'stream_options', stream_options: options.getStreamOptions?.(thread, context) ?? { allow_cancel: true } };

    let lastThread = JSON.stringify(thread);
    const threadChanged = () => {
      const current = JSON.stringify(thread);
      if (current === lastThread) return false;
      lastThread = current;
      return true;
    };
    const pending = new Map<string, ThreadItem>();
    const responderAbort = new AbortController();
    const stopResponder = () => responderAbort.abort(signal.reason);
    signal.addEventListener('abort', stopResponder, { once: true });
    const respondOptions: RespondOptions<TContext> = { store, signal: responderAbort.signal, generateId: idsFor(thread, context) };
    const respond = (current: ThreadMetadata, input: UserMessageItem | null) => options.respond(current, input, context, respondOptions);
    let iterator: AsyncIterator<ThreadStreamEvent> | undefined;
    let cancelled = false;

    try {
      const events = stream({ respond, options: respondOptions });
      if (typeof (events as Partial<AsyncIterable<ThreadStreamEvent>> | null)?.[Symbol.asyncIterator] !== 'function') {
        throw new TypeError('respond (or action) must return an async iterable of ChatKit events: write it as an `async function*`');
      }
      iterator = events[Symbol.asyncIterator]();
      for (;;) {
        const step = await untilAborted(iterator.next(), signal);
        if (step === ABORTED) {
          cancelled = true;
          break;
        }
        if (step.done) break;
        const event = step.value;
        switch (event.type) {
          case 'thread.item.added':
            pending.set(event.item.id, structuredClone(event.item));
            break;
          case 'thread.item.done':
            await store.addThreadItem(thread.id, event.item, context);
            pending.delete(event.item.id);
            break;
          case 'thread.item.removed':
            await store.deleteThreadItem(thread.id, event.item_id, context);
            pending.delete(event.item_id);
            break;
          case 'thread.item.replaced':
            await store.saveItem(thread.id, event.item, context);
            pending.delete(event.item.id);
            break;
          case 'thread.item.updated':
            applyToPending(pending, event);
            break;
        }
        if (!(event.type === 'thread.item.done' && isHiddenItem(event.item))) yield event;
        if (threadChanged()) {
          await store.saveThread(thread, context);
          yield { type: 'thread.updated', thread: toThreadResponse(thread) };
        }
      }
    } catch (error) {
      if (signal.aborted) {
        cancelled = true;
      } else {
        yield errorEvent(error, logger);
      }
    } finally {
      signal.removeEventListener('abort', stopResponder);
    }

    if (cancelled) {
      stopResponder();
      iterator?.return?.().catch(() => {}); // an async generator still running finishes its step first; the signal ends it
      try {
        const cancel = options.handleStreamCancelled ?? saveCancelledStream;
        await cancel(thread, [...pending.values()], context, { store, generateId: respondOptions.generateId });
        if (threadChanged()) await store.saveThread(thread, context);
      } catch (error) {
        logger.error(`handleStreamCancelled failed for thread ${thread.id}: ${describe(error)}`);
      }
      return;
    }
    if (threadChanged()) {
      await store.saveThread(thread, context);
      yield { type: 'thread.updated', thread: toThreadResponse(thread) };
    }
  }

  async function* processStreaming(request: StreamingRequest, context: TContext, signal: AbortSignal): AsyncGenerator<ThreadStreamEvent> {
    switch (request.type) {
      case 'threads.create': {
        const thread: ThreadMetadata = { id: threadId(context), created_at: now(), status: { type: 'active' }, metadata: {} };
        const message = await buildUserMessage(request.params.input, thread, context); // unknown attachment → 404 before any write
        await store.saveThread(thread, context);
        yield { type: 'thread.created', thread: toThreadResponse(thread) };
        yield* respondToNewMessage(thread, message, context, signal);
        return;
      }
      case 'threads.add_user_message': {
        const thread = await store.loadThread(request.params.thread_id, context);
        const message = await buildUserMessage(request.params.input, thread, context);
        yield* respondToNewMessage(thread, message, context, signal);
        return;
      }
      case 'threads.add_client_tool_output': {
        const thread = await store.loadThread(request.params.thread_id, context);
        const last = await store.loadThreadItems(thread.id, null, 1, 'desc', context);
        const toolCall = last.data.find((item) => item.type === 'client_tool_call' && item.status === 'pending');
        if (!toolCall || toolCall.type !== 'client_tool_call') {
          throw new HttpError(400, `threads.add_client_tool_output: the last item of thread ${thread.id} is not a pending client_tool_call`);
        }
        await store.saveItem(thread.id, { ...toolCall, output: request.params.result, status: 'completed' }, context);
        await deleteDanglingToolCalls(thread, context);
        yield* processEvents(thread, context, signal, ({ respond }) => respond(thread, null));
        return;
      }
      case 'threads.add_structured_input': {
        const { thread_id, item_id, input } = request.params;
        const thread = await store.loadThread(thread_id, context);
        const item = await store.loadItem(thread_id, item_id, context);
        if (item.type !== 'structured_input') throw new HttpError(400, `threads.add_structured_input: item ${item_id} is a ${item.type}, not a structured_input`);
        if (item.status !== 'pending') throw new HttpError(409, `threads.add_structured_input: structured input ${item_id} was already ${item.status}`);
        const answered = applyStructuredInput(item, input, logger);
        yield* processEvents(thread, context, signal, async function* ({ respond }) {
          yield { type: 'thread.item.replaced', item: answered }; // saved by the same pipeline as any replacement
          yield* respond(thread, null);
        });
        return;
      }
      case 'threads.retry_after_item': {
        const { thread_id, item_id } = request.params;
        const thread = await store.loadThread(thread_id, context);
        const later: ThreadItem[] = [];
        let userMessage: UserMessageItem | undefined;
        for await (const item of newestFirst(thread_id, context)) {
          if (item.id === item_id) {
            if (item.type !== 'user_message') throw new HttpError(400, `threads.retry_after_item: item ${item_id} is a ${item.type}, not a user message`);
            userMessage = item;
            break;
          }
          later.push(item);
        }
        if (!userMessage) throw new HttpError(404, `Item ${item_id} not found in thread ${thread_id}`);
        for (const item of later) await store.deleteThreadItem(thread_id, item.id, context);
        const input = userMessage;
        yield* processEvents(thread, context, signal, ({ respond }) => respond(thread, input));
        return;
      }
      case 'threads.custom_action': {
        const action = requireHook(options.action, 'threads.custom_action', 'action', '(thread, action, sender, context, options) => AsyncIterable<event>');
        const { thread_id, item_id } = request.params;
        const thread = await store.loadThread(thread_id, context);
        const sender = item_id ? await store.loadItem(thread_id, item_id, context) : null;
        if (sender && sender.type !== 'widget') {
          yield { type: 'error', code: ErrorCode.STREAM_ERROR, allow_retry: false }; // as the Python SDK: not a widget sender
          return;
        }
        yield* processEvents(thread, context, signal, ({ options: respondOptions }) =>
          action(thread, request.params.action as Action, sender, context, respondOptions),
        );
        return;
      }
    }
  }

  /** Deletes pending client tool calls left behind (`_cleanup_pending_client_tool_call`). */
  async function deleteDanglingToolCalls(thread: ThreadMetadata, context: TContext): Promise<void> {
    const recent = await store.loadThreadItems(thread.id, null, DEFAULT_PAGE_SIZE, 'desc', context);
    for (const item of recent.data) {
      if (item.type === 'client_tool_call' && item.status === 'pending') {
        logger.warn(`client tool call ${item.call_id} in thread ${thread.id} was not completed; removing it`);
        await store.deleteThreadItem(thread.id, item.id, context);
      }
    }
  }

  async function* newestFirst(threadId: string, context: TContext): AsyncGenerator<ThreadItem> {
    let after: string | null = null;
    for (;;) {
      const page: Page<ThreadItem> = await store.loadThreadItems(threadId, after, DEFAULT_PAGE_SIZE, 'desc', context);
      yield* page.data;
      if (!page.has_more || !page.after) return;
      after = page.after;
    }
  }

  return {
    async process(body, context, { signal = new AbortController().signal } = {}) {
      const parsed = parseChatKitRequest(body);
      if (!parsed.ok) throw new HttpError(400, parsed.error);
      const request: ChatKitRequest = parsed.request;
      if (!isStreamingRequest(request)) {
        return { streaming: false, json: toWire(await processNonStreaming(request as NonStreamingRequest, context)) };
      }
      // Run up to the first event now, so that refusals (unknown thread, bad item) are HTTP errors, not a broken stream.
      const events = processStreaming(request, context, signal);
      const first = await events.next();
      return { streaming: true, events: prepend(first, events) };
    },
  };
}

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────────────────────────

const ABORTED = Symbol('aborted');

/** `promise`'s result, or {@link ABORTED} as soon as `signal` aborts (the promise is then left to settle alone). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      resolve(ABORTED);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

/** The `error` event for a failure inside a stream (`_process_events`' except clauses). */
function errorEvent(error: unknown, logger: SessionLogger): ThreadStreamEvent {
  if (error instanceof CustomStreamError) return { type: 'error', code: 'custom', message: error.message, allow_retry: error.allowRetry };
  if (error instanceof StreamError) return { type: 'error', code: error.code, allow_retry: error.allowRetry };
  logger.error(`error while generating a ChatKit response: ${describe(error)}`);
  return { type: 'error', code: ErrorCode.STREAM_ERROR, allow_retry: true };
}

/** Keeps a pending (added, not done) assistant message or workflow current (`_update_pending_items`). */
function applyToPending(pending: Map<string, ThreadItem>, event: ThreadItemUpdatedEvent): void {
  const item = pending.get(event.item_id);
  const { update } = event;
  if (item?.type === 'assistant_message' && update.type.startsWith('assistant_message.')) {
    applyAssistantUpdate(item, update as Parameters<typeof applyAssistantUpdate>[1]);
  } else if (item?.type === 'workflow') {
    if (update.type === 'workflow.task.added') item.workflow.tasks.push(structuredClone(update.task));
    else if (update.type === 'workflow.task.updated') item.workflow.tasks[update.task_index] = structuredClone(update.task);
  }
}

function applyAssistantUpdate(
  item: AssistantMessageItem,
  update: Extract<ThreadItemUpdatedEvent['update'], { type: `assistant_message.${string}` }>,
): void {
  while (item.content.length <= update.content_index) item.content.push({ type: 'output_text', text: '', annotations: [] });
  const part = item.content[update.content_index]!;
  switch (update.type) {
    case 'assistant_message.content_part.added':
    case 'assistant_message.content_part.done':
      item.content[update.content_index] = structuredClone(update.content);
      break;
    case 'assistant_message.content_part.text_delta':
      part.text += update.delta;
      break;
    case 'assistant_message.content_part.annotation_added':
      part.annotations ??= [];
      if (update.annotation_index <= part.annotations.length) part.annotations.splice(update.annotation_index, 0, update.annotation);
      else part.annotations.push(update.annotation);
      break;
  }
}

/** The item with the submitted answers (`_apply_structured_input_submission`). */
function applyStructuredInput(item: StructuredInputItem, submission: StructuredInputSubmission, logger: SessionLogger): StructuredInputItem {
  const updated = structuredClone(item);
  const known = new Set(updated.inputs.map((input) => input.id));
  const unknown = Object.keys(submission.answers).filter((id) => !known.has(id)).sort();
  if (unknown.length > 0) logger.warn(`structured input ${item.id} received unknown question id(s), ignoring: ${unknown.join(', ')}`);
  for (const question of updated.inputs) {
    const answer = Object.hasOwn(submission.answers, question.id) ? submission.answers[question.id] : undefined;
    if (submission.status === 'skipped' || !answer || answer.skipped || answer.values.length === 0) {
      question.answer = { values: [], skipped: true };
      continue;
    }
    const values = question.type === 'multiple_choice' && !question.multiple ? answer.values.slice(0, 1) : answer.values;
    question.answer = { values, skipped: false };
  }
  updated.status = submission.status;
  return updated;
}

function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new HttpError(400, 'Invalid input.transcribe request: params.audio_base64: expected base64-encoded audio');
  }
  return Uint8Array.from(atob(compact), (char) => char.charCodeAt(0));
}

/** `limit || DEFAULT_PAGE_SIZE` as the Python SDK reads it, capped at {@link MAX_PAGE_SIZE}. */
function pageSize(limit: number | null | undefined): number {
  return Math.min(limit || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

function now(): string {
  return new Date().toISOString();
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
