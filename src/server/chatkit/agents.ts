/**
 * Running an `@openai/agents` Agent behind the ChatKit protocol — the TypeScript counterpart of chatkit-python's
 * `agents.py`:
 * - {@link streamAgentResponse}: a streamed Agents SDK run → ChatKit thread stream events, exactly as the Python
 *   SDK emits them (assistant messages reuse the model's message ids; reasoning becomes a `reasoning` workflow of
 *   thoughts; citations become annotations; tool events from {@link AgentContext} are merged in; guardrail
 *   tripwires remove what the turn produced);
 * - {@link agentResponder}: the default `respond` of `createChatKitHandler({ agent })` — loads the thread's items,
 *   converts them ({@link ThreadItemConverter}), runs the agent with the request's abort signal and streams.
 *
 * This is the only module of the server that loads `@openai/agents` at runtime; the handler imports it lazily,
 * so the SDK stays an optional peer dependency.
 */
import {
  InputGuardrailTripwireTriggered,
  OutputGuardrailTripwireTriggered,
  run,
  type Agent,
  type AgentInputItem,
  type Runner,
  type RunStreamEvent,
  type StreamRunOptions,
  type StreamedRunResult,
} from '@openai/agents';
import { AgentContext, secondsSince } from './agent-context.js';
import { ThreadItemConverter, loadThreadHistory } from './agent-input.js';
import { ResponseStreamConverter, convertAnnotation, convertContent, defaultResponseConverter, type RawContentPart, type RawEvent } from './response-converter.js';
import type { Store, StoreContext, StoreItemType } from './store/store.js';
import type {
  AssistantMessageContent,
  AssistantMessageItem,
  ErrorEvent,
  ThoughtTask,
  ThreadItem,
  ThreadMetadata,
  ThreadStreamEvent,
  UserMessageItem,
  WorkflowItem,
} from './types.js';

export { AgentContext, type AgentContextInit, type ClientToolCall } from './agent-context.js';
export { ResponseStreamConverter, accumulateText } from './response-converter.js';
export { ThreadItemConverter, simpleToAgentInput, loadThreadHistory, ConverterNotImplementedError, type AgentInputResult, type AgentUserContent } from './agent-input.js';

/** A streamed run as `streamAgentResponse` reads it: the SDK's `StreamedRunResult` (anything with `toStream()`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StreamedRun = Pick<StreamedRunResult<any, any>, 'toStream'> & { readonly cancelled?: boolean };

export interface StreamAgentResponseOptions {
  converter?: ResponseStreamConverter;
  /** The thread's items, oldest first, when the caller has just loaded them (saves a store read). */
  threadItems?: readonly ThreadItem[];
}

const now = () => new Date().toISOString();

function isTripwire(error: unknown): boolean {
  return error instanceof InputGuardrailTripwireTriggered || error instanceof OutputGuardrailTripwireTriggered;
}

/** Whether a raw model event is a Responses API event (the OpenAI Responses model, or a model imitating it). */
function isResponsesEvent(data: { type: string; event?: unknown; providerData?: Record<string, unknown> }): boolean {
  if (data.providerData?.rawModelEventSource === 'openai-responses') return true;
  const type = (data.event as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && type.startsWith('response.');
}

type Merged = { from: 'run'; result: ReadableStreamReadResult<RunStreamEvent> } | { from: 'tools'; result: IteratorResult<ThreadStreamEvent> };

/**
 * Convert a streamed Agents SDK run into ChatKit thread stream events (`stream_agent_response`).
 *
 * Events that tools send through `context` ({@link AgentContext.stream}, `streamWidget`, workflows) are merged
 * in. A guardrail tripwire yields `thread.item.removed` for every item this turn produced, then throws the
 * tripwire error. Stopping the iteration early (a client disconnect) cancels the run.
 */
export async function* streamAgentResponse<TContext extends StoreContext>(
  context: AgentContext<TContext>,
  result: StreamedRun,
  options: StreamAgentResponseOptions = {},
): AsyncGenerator<ThreadStreamEvent, void, undefined> {
  const converter = options.converter ?? defaultResponseConverter;
  const ctx = context;
  const thread = context.thread;
  const producedItems = new Set<string>();
  let currentToolCallId: string | null = null;
  let currentToolItemId: string | null = null;
  let streamingThought: { itemId: string; index: number; task: ThoughtTask } | null = null;
  const annotationCounts = new Map<string, number>();
  // Models that do not speak the Responses API (Chat Completions, other providers) only give text deltas:
  // their answer is built from `output_text_delta` and `response_done`.
  let responsesEventsSeen = false;
  let plainMessage: AssistantMessageItem | null = null;

  // Continue the workflow the last turn left open (also when a client tool call followed it).
  const [lastItem, secondLastItem] = options.threadItems
    ? options.threadItems.slice(-2).reverse()
    : (await context.store.loadThreadItems(thread.id, null, 2, 'desc', context.requestContext)).data;
  const storedWorkflow = lastItem?.type === 'workflow' ? lastItem
    : lastItem?.type === 'client_tool_call' && secondLastItem?.type === 'workflow' ? secondLastItem
      : null;
  if (storedWorkflow) ctx.workflowItem = storedWorkflow;
  // That workflow is already stored: finishing it replaces it in place (`thread.item.replaced`, saved with
  // `saveItem`) instead of appending it a second time.
  const storedWorkflowId = storedWorkflow?.id ?? null;
  const finished = (item: ThreadItem): ThreadStreamEvent =>
    item.id === storedWorkflowId ? { type: 'thread.item.replaced', item } : { type: 'thread.item.done', item };

  const endWorkflow = (item: WorkflowItem): ThreadStreamEvent => {
    if (item === ctx.workflowItem) ctx.workflowItem = null;
    item.workflow.summary ??= { duration: secondsSince(item.created_at) };
    // Workflows close when the turn moves on; to keep one open, end it with context.endWorkflow(summary, true).
    item.workflow.expanded = false;
    return finished(item);
  };

  async function* fromTools(event: ThreadStreamEvent): AsyncGenerator<ThreadStreamEvent> {
    if (event.type === 'thread.item.added' || event.type === 'thread.item.done') {
      const item = event.item;
      if (ctx.workflowItem && ctx.workflowItem.id !== item.id && item.type !== 'client_tool_call' && item.type !== 'hidden_context_item') {
        yield endWorkflow(ctx.workflowItem);
      }
      if (event.type === 'thread.item.added' && item.type === 'workflow') ctx.workflowItem = item;
      producedItems.add(item.id);
      if (event.type === 'thread.item.done') {
        yield finished(item);
        return;
      }
    }
    yield event;
  }

  async function* fromRun(event: RunStreamEvent): AsyncGenerator<ThreadStreamEvent> {
    if (event.type === 'run_item_stream_event') {
      if (event.item.type === 'tool_call_item') {
        const raw = event.item.rawItem as { type?: string; id?: string; callId?: string; call_id?: string };
        if (raw.type === 'function_call') {
          currentToolCallId = raw.callId ?? raw.call_id ?? null;
          currentToolItemId = raw.id ?? null;
          if (currentToolItemId) producedItems.add(currentToolItemId);
        }
      }
      return;
    }
    if (event.type !== 'raw_model_stream_event') return;
    const data = event.data;

    if (data.type === 'output_text_delta' && !responsesEventsSeen) {
      yield* plainTextDelta(data.delta);
      return;
    }
    if (data.type === 'response_done') {
      if (plainMessage) yield* finishPlainMessage(data.response.output);
      responsesEventsSeen = false;
      return;
    }
    if (data.type !== 'model' || !isResponsesEvent(data)) return;
    responsesEventsSeen = true;
    const raw = data.event as RawEvent;

    switch (raw.type) {
      case 'response.content_part.added': {
        if (!raw.part || raw.part.type === 'reasoning_text') return;
        yield {
          type: 'thread.item.updated',
          item_id: raw.item_id!,
          update: { type: 'assistant_message.content_part.added', content_index: raw.content_index!, content: await convertContent(raw.part, converter) },
        };
        return;
      }
      case 'response.output_text.delta':
        yield {
          type: 'thread.item.updated',
          item_id: raw.item_id!,
          update: { type: 'assistant_message.content_part.text_delta', content_index: raw.content_index!, delta: raw.delta ?? '' },
        };
        return;
      case 'response.output_text.done':
        yield {
          type: 'thread.item.updated',
          item_id: raw.item_id!,
          update: {
            type: 'assistant_message.content_part.done',
            content_index: raw.content_index!,
            content: { type: 'output_text', text: raw.text ?? '', annotations: [] },
          },
        };
        return;
      case 'response.output_text.annotation.added': {
        const annotation = await convertAnnotation(raw.annotation, converter);
        if (!annotation) return;
        // Count per content part: annotations that cannot be converted are dropped without leaving gaps.
        const key = `${raw.item_id}\u0000${raw.content_index}`;
        const annotationIndex = annotationCounts.get(key) ?? 0;
        annotationCounts.set(key, annotationIndex + 1);
        yield {
          type: 'thread.item.updated',
          item_id: raw.item_id!,
          update: { type: 'assistant_message.content_part.annotation_added', content_index: raw.content_index!, annotation_index: annotationIndex, annotation },
        };
        return;
      }
      case 'response.output_item.added': {
        const item = raw.item;
        if (!item) return;
        if (item.type === 'reasoning' && !ctx.workflowItem) {
          ctx.workflowItem = {
            type: 'workflow', id: ctx.generateId('workflow'), thread_id: thread.id, created_at: now(), workflow: { type: 'reasoning', tasks: [] },
          };
          producedItems.add(ctx.workflowItem.id);
          yield { type: 'thread.item.added', item: structuredClone(ctx.workflowItem) };
        }
        if (item.type === 'message' && item.id) {
          if (ctx.workflowItem) yield endWorkflow(ctx.workflowItem);
          producedItems.add(item.id);
          yield { type: 'thread.item.added', item: await assistantMessage(item.id, item.content ?? []) };
        } else if (item.type === 'image_generation_call') {
          ctx.generatedImageItem = { type: 'generated_image', id: ctx.generateId('message'), thread_id: thread.id, created_at: now(), image: null };
          producedItems.add(ctx.generatedImageItem.id);
          yield { type: 'thread.item.added', item: structuredClone(ctx.generatedImageItem) };
        }
        return;
      }
      case 'response.image_generation_call.partial_image': {
        const imageItem = ctx.generatedImageItem;
        if (!imageItem || !raw.item_id || raw.partial_image_b64 === undefined) return;
        const index = raw.partial_image_index ?? 0;
        const url = await converter.base64ImageToUrl(raw.item_id, raw.partial_image_b64, index);
        imageItem.image = { id: raw.item_id, url };
        yield {
          type: 'thread.item.updated',
          item_id: imageItem.id,
          update: { type: 'generated_image.updated', image: imageItem.image, progress: converter.partialImageIndexToProgress(index) },
        };
        return;
      }
      case 'response.reasoning_summary_text.delta': {
        const workflowItem = ctx.workflowItem;
        if (!workflowItem) return;
        const tasks = workflowItem.workflow.tasks;
        // The first thought of a reasoning workflow streams, so the user sees it early.
        if (workflowItem.workflow.type === 'reasoning' && tasks.length === 0) {
          streamingThought = { itemId: raw.item_id!, index: raw.summary_index!, task: { type: 'thought', content: raw.delta ?? '' } };
          tasks.push(streamingThought.task);
          yield { type: 'thread.item.updated', item_id: workflowItem.id, update: { type: 'workflow.task.added', task: { ...streamingThought.task }, task_index: 0 } };
        } else if (
          streamingThought && tasks.includes(streamingThought.task)
          && raw.item_id === streamingThought.itemId && raw.summary_index === streamingThought.index
        ) {
          streamingThought.task.content += raw.delta ?? '';
          yield {
            type: 'thread.item.updated',
            item_id: workflowItem.id,
            update: { type: 'workflow.task.updated', task: { ...streamingThought.task }, task_index: tasks.indexOf(streamingThought.task) },
          };
        }
        return;
      }
      case 'response.reasoning_summary_text.done': {
        const workflowItem = ctx.workflowItem;
        if (!workflowItem) return;
        const tasks = workflowItem.workflow.tasks;
        if (
          streamingThought && tasks.includes(streamingThought.task)
          && raw.item_id === streamingThought.itemId && raw.summary_index === streamingThought.index
        ) {
          const task = streamingThought.task;
          task.content = raw.text ?? '';
          streamingThought = null;
          yield { type: 'thread.item.updated', item_id: workflowItem.id, update: { type: 'workflow.task.updated', task: { ...task }, task_index: tasks.indexOf(task) } };
        } else {
          const task: ThoughtTask = { type: 'thought', content: raw.text ?? '' };
          tasks.push(task);
          yield { type: 'thread.item.updated', item_id: workflowItem.id, update: { type: 'workflow.task.added', task: { ...task }, task_index: tasks.indexOf(task) } };
        }
        return;
      }
      case 'response.output_item.done': {
        const item = raw.item;
        if (!item) return;
        if (item.type === 'message' && item.id) {
          producedItems.add(item.id);
          yield { type: 'thread.item.done', item: await assistantMessage(item.id, item.content ?? []) };
        } else if (item.type === 'image_generation_call' && item.result) {
          const imageItem = ctx.generatedImageItem;
          if (!imageItem) return;
          imageItem.image = { id: item.id ?? imageItem.id, url: await converter.base64ImageToUrl(item.id ?? imageItem.id, item.result) };
          ctx.generatedImageItem = null;
          yield { type: 'thread.item.done', item: imageItem };
        }
        return;
      }
      default:
        return;
    }
  }

  async function assistantMessage(id: string, content: RawContentPart[]): Promise<AssistantMessageItem> {
    const parts: AssistantMessageContent[] = [];
    for (const part of content) parts.push(await convertContent(part, converter));
    return { type: 'assistant_message', id, thread_id: thread.id, created_at: now(), content: parts };
  }

  async function* plainTextDelta(delta: string): AsyncGenerator<ThreadStreamEvent> {
    if (!plainMessage) {
      if (ctx.workflowItem) yield endWorkflow(ctx.workflowItem);
      plainMessage = { type: 'assistant_message', id: ctx.generateId('message'), thread_id: thread.id, created_at: now(), content: [] };
      producedItems.add(plainMessage.id);
      yield { type: 'thread.item.added', item: structuredClone(plainMessage) };
      yield {
        type: 'thread.item.updated',
        item_id: plainMessage.id,
        update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } },
      };
    }
    yield { type: 'thread.item.updated', item_id: plainMessage.id, update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta } };
  }

  async function* finishPlainMessage(output: unknown[]): AsyncGenerator<ThreadStreamEvent> {
    const message = plainMessage!;
    plainMessage = null;
    const texts = output
      .filter((item): item is { role: 'assistant'; content: RawContentPart[] } => (item as { role?: string }).role === 'assistant')
      .flatMap((item) => item.content.filter((part) => part.type === 'output_text').map((part) => part.text ?? ''));
    const content: AssistantMessageContent = { type: 'output_text', text: texts.join(''), annotations: [] };
    message.content = [content];
    yield { type: 'thread.item.updated', item_id: message.id, update: { type: 'assistant_message.content_part.done', content_index: 0, content } };
    yield { type: 'thread.item.done', item: message };
  }

  // At runtime the run's stream is a Web ReadableStream (the SDK's shim type only declares its iterator).
  const reader = (result.toStream() as unknown as ReadableStream<RunStreamEvent>).getReader();
  /** Whether the run's stream has ended (done or failed); otherwise leaving early must cancel it. */
  let runFinished = false;
  const readRun = (): Promise<Merged> => {
    const read = reader.read().then(
      (result) => {
        if (result.done) runFinished = true;
        return { from: 'run' as const, result };
      },
      (error: unknown) => {
        runFinished = true;
        throw error;
      },
    );
    // The read may fail while the consumer holds us at a `yield`: it is awaited later, never unhandled.
    read.catch(() => undefined);
    return read;
  };
  const readTools = (): Promise<Merged> => context.events.next().then((result) => ({ from: 'tools' as const, result }));
  let nextRun = readRun();
  let nextTools = readTools();
  let toolsOpen = true;
  try {
    try {
      for (;;) {
        const merged = await Promise.race(toolsOpen ? [nextTools, nextRun] : [nextRun]);
        if (merged.from === 'tools') {
          if (merged.result.done) {
            toolsOpen = false;
            continue;
          }
          nextTools = readTools();
          yield* fromTools(merged.result.value);
          continue;
        }
        if (merged.result.done) break;
        nextRun = readRun();
        yield* fromRun(merged.result.value);
      }
      // Aborted (the client went away): nothing more to send or keep.
      if (result.cancelled) return;
    } catch (error) {
      if (isTripwire(error)) {
        for (const itemId of producedItems) yield { type: 'thread.item.removed', item_id: itemId };
        context.events.drain();
      }
      throw error;
    }

    // Tool events still queued (one may already be taken by the pending read) go out after the run's.
    context.events.close();
    const taken = await nextTools;
    if (taken.from === 'tools' && !taken.result.done) yield taken.result.value;
    for (const event of context.events.takeAll()) yield event;

    // A workflow still open at the end of the run is kept, so the next turn can continue it.
    if (ctx.workflowItem) await context.store.saveItem(thread.id, ctx.workflowItem, context.requestContext);

    if (context.clientToolCall) {
      yield {
        type: 'thread.item.done',
        item: {
          type: 'client_tool_call',
          id: currentToolItemId ?? ctx.generateId('tool_call'),
          thread_id: thread.id,
          created_at: now(),
          status: 'pending',
          name: context.clientToolCall.name,
          arguments: context.clientToolCall.arguments,
          call_id: currentToolCallId ?? ctx.generateId('tool_call'),
        },
      };
    }
  } finally {
    context.events.close();
    if (!runFinished) {
      // The consumer stopped early (client disconnect): cancelling the stream aborts the run.
      nextRun.catch(() => undefined);
      await reader.cancel().catch(() => undefined);
    }
  }
}

// ── The default responder ─────────────────────────────────────────────────────────────────────────────────────────

/** What `agentResponder`'s `respond` receives besides the thread, input and context (`RespondOptions` of the server). */
export interface AgentRespondOptions<TContext extends StoreContext> {
  store: Store<TContext>;
  signal: AbortSignal;
  generateId(type: StoreItemType): string;
}

/** Options of {@link agentResponder}. */
export interface AgentResponderOptions<TContext extends StoreContext = StoreContext> {
  /** Thread items → model input; subclass {@link ThreadItemConverter} for attachments, tags, custom context. */
  converter?: ThreadItemConverter;
  /** Citations and generated images → ChatKit values. */
  responseConverter?: ResponseStreamConverter;
  /** Run through this Runner (its model provider, tracing, guardrails) instead of the SDK's default one. */
  runner?: Runner;
  /** More run options (`maxTurns`, `session`, hooks, …); `stream`, `signal` and `context` are set by the responder. */
  runOptions?: Omit<StreamRunOptions<AgentContext<TContext>>, 'stream' | 'signal' | 'context'>;
  /** Load at most this many of the thread's latest items as history (default: all of them). */
  historyLimit?: number;
  /**
   * The `error` event sent when a guardrail trips (after the turn's items were removed). Default: a `custom` error
   * "This message was blocked by a guardrail." (input) / "The assistant's response was blocked." (output),
   * not retryable. Return `null` to rethrow instead (the server then answers its generic stream error).
   */
  guardrailError?: (error: InputGuardrailTripwireTriggered | OutputGuardrailTripwireTriggered<never>) => ErrorEvent | null;
}

function defaultGuardrailError(error: InputGuardrailTripwireTriggered | OutputGuardrailTripwireTriggered<never>): ErrorEvent {
  const input = error instanceof InputGuardrailTripwireTriggered;
  return {
    type: 'error',
    code: 'custom',
    message: input ? 'This message was blocked by a guardrail.' : 'The assistant\'s response was blocked.',
    allow_retry: false,
  };
}

/** The `respond` function {@link agentResponder} returns (the server's `Respond`). */
export type AgentRespond<TContext extends StoreContext> = (
  thread: ThreadMetadata,
  input: UserMessageItem | null,
  context: TContext,
  options: AgentRespondOptions<TContext>,
) => AsyncIterable<ThreadStreamEvent>;

/**
 * The default responder of `createChatKitHandler({ agent })`: each turn loads the thread's items, converts them to
 * input, runs `agent` streamed (with the request's abort signal, and an {@link AgentContext} as the run context)
 * and streams the run as ChatKit events. A client disconnect aborts the run.
 */
export function agentResponder<TContext extends StoreContext = StoreContext>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  agent: Agent<any, any>,
  options: AgentResponderOptions<TContext> = {},
): AgentRespond<TContext> {
  const converter = options.converter ?? new ThreadItemConverter();
  return async function* respond(thread, _input, context, { store, signal, generateId }) {
    const history = await loadThreadHistory(store, thread.id, context, options.historyLimit);
    const input: AgentInputItem[] = await converter.toAgentInput(history);
    const agentContext = new AgentContext<TContext>({ thread, store, requestContext: context, generateId });
    const runOptions = { ...options.runOptions, stream: true as const, signal, context: agentContext };
    const result = options.runner ? await options.runner.run(agent, input, runOptions) : await run(agent, input, runOptions);
    try {
      yield* streamAgentResponse(agentContext, result, { converter: options.responseConverter, threadItems: history });
    } catch (error) {
      if (!isTripwire(error)) throw error;
      const event = (options.guardrailError ?? defaultGuardrailError)(error as InputGuardrailTripwireTriggered);
      if (!event) throw error;
      yield event;
    }
  };
}
