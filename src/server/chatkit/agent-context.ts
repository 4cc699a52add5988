/**
 * `AgentContext`: what an agent's tools receive as the run context (`runContext.context`) under
 * `agentResponder` / `streamAgentResponse` — the TypeScript counterpart of chatkit-python's `AgentContext`.
 * Tools use it to stream ChatKit events next to the model's output (`stream`, `streamWidget`), show workflows
 * (`startWorkflow`, `addWorkflowTask`, `updateWorkflowTask`, `endWorkflow`), and hand a call to the client
 * (`clientToolCall`).
 */
import type { Store, StoreContext, StoreItemType } from './store/store.js';
import { defaultGenerateId } from './store/store.js';
import type {
  GeneratedImageItem,
  Task,
  ThreadMetadata,
  ThreadStreamEvent,
  WidgetRoot,
  Workflow,
  WorkflowItem,
  WorkflowSummary,
} from './types.js';
import { streamWidget } from './widgets.js';

/** A call the agent hands to the client (ChatKit.js `onClientTool`): set `context.clientToolCall` inside a tool. */
export interface ClientToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** An unbounded async queue of events: tools push, `streamAgentResponse` pulls. */
export class EventQueue<T> {
  #items: T[] = [];
  #waiting: Array<(result: IteratorResult<T>) => void> = [];
  #closed = false;

  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter({ value: item, done: false });
    else this.#items.push(item);
  }

  /** No more items: pending and later `next()` calls end once the queue is empty. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  /** Drop everything queued and close. */
  drain(): void {
    this.#items.length = 0;
    this.close();
  }

  /** Items queued now, without waiting. */
  takeAll(): T[] {
    return this.#items.splice(0);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

const now = () => new Date().toISOString();

export interface AgentContextInit<TContext extends StoreContext> {
  thread: ThreadMetadata;
  store: Store<TContext>;
  /** The request context (`context` of `createChatKitHandler`), with the user's id. */
  requestContext: TContext;
  /** Makes item ids (the handler passes its own); default: the store's `generateItemId`, else prefixed random ids. */
  generateId?: (type: StoreItemType) => string;
  previousResponseId?: string | null;
}

/**
 * The run context of an agent answering in a ChatKit thread. In a tool: `execute: async (args, runContext) => {
 * const ctx = runContext!.context as AgentContext; await ctx.streamWidget(card); }`.
 */
export class AgentContext<TContext extends StoreContext = StoreContext> {
  readonly thread: ThreadMetadata;
  readonly store: Store<TContext>;
  readonly requestContext: TContext;
  previousResponseId: string | null;
  /** Set by a tool to hand a call to the client; the run should stop at that tool (`toolUseBehavior: { stopAtToolNames }`). */
  clientToolCall: ClientToolCall | null = null;
  /** The workflow being shown, if any. */
  workflowItem: WorkflowItem | null = null;
  /** The image being generated, if any. */
  generatedImageItem: GeneratedImageItem | null = null;
  /** @internal Events from tools, merged into the stream by `streamAgentResponse`. */
  readonly events = new EventQueue<ThreadStreamEvent>();
  readonly #generateId?: (type: StoreItemType) => string;

  constructor(init: AgentContextInit<TContext>) {
    this.thread = init.thread;
    this.store = init.store;
    this.requestContext = init.requestContext;
    this.previousResponseId = init.previousResponseId ?? null;
    this.#generateId = init.generateId;
  }

  /** A new id for an item of this thread (`msg_…`, `wf_…`, `tsk_…`, …). */
  generateId(type: StoreItemType): string {
    if (this.#generateId) return this.#generateId(type);
    if (type === 'thread') return this.store.generateThreadId?.(this.requestContext) ?? defaultGenerateId('thread');
    return this.store.generateItemId?.(type, this.thread, this.requestContext) ?? defaultGenerateId(type);
  }

  /** Send a ChatKit event (progress update, client effect, an item of your own, …) in this response. */
  async stream(event: ThreadStreamEvent): Promise<void> {
    this.events.push(event);
  }

  /**
   * Show a widget: a finished widget becomes one `thread.item.done`; an async iterable of widget states streams
   * as `thread.item.added`, updates (text appended to `Text`/`Markdown` values streams as deltas), then `done`.
   */
  async streamWidget(widget: WidgetRoot | AsyncIterable<WidgetRoot>, copyText?: string | null): Promise<void> {
    for await (const event of streamWidget(this.thread, widget, copyText ?? null, (type) => this.generateId(type))) {
      this.events.push(event);
    }
  }

  /** Begin a workflow item. A custom workflow without tasks is announced with its first task. */
  async startWorkflow(workflow: Workflow): Promise<void> {
    this.workflowItem = { type: 'workflow', id: this.generateId('workflow'), thread_id: this.thread.id, created_at: now(), workflow };
    if (workflow.type !== 'reasoning' && workflow.tasks.length === 0) return;
    await this.stream({ type: 'thread.item.added', item: this.workflowItem });
  }

  /** Add a task to the current workflow (starting a custom workflow if none is open). */
  async addWorkflowTask(task: Task): Promise<void> {
    this.workflowItem ??= {
      type: 'workflow', id: this.generateId('workflow'), thread_id: this.thread.id, created_at: now(), workflow: { type: 'custom', tasks: [] },
    };
    const workflow = this.workflowItem.workflow;
    workflow.tasks.push(task);
    if (workflow.type !== 'reasoning' && workflow.tasks.length === 1) {
      await this.stream({ type: 'thread.item.added', item: this.workflowItem });
    } else {
      await this.stream({
        type: 'thread.item.updated',
        item_id: this.workflowItem.id,
        update: { type: 'workflow.task.added', task, task_index: workflow.tasks.indexOf(task) },
      });
    }
  }

  /** Replace the task at `taskIndex` of the current workflow. */
  async updateWorkflowTask(task: Task, taskIndex: number): Promise<void> {
    if (!this.workflowItem) throw new Error('updateWorkflowTask: no workflow is open (call startWorkflow or addWorkflowTask first).');
    this.workflowItem.workflow.tasks[taskIndex] = task;
    await this.stream({
      type: 'thread.item.updated',
      item_id: this.workflowItem.id,
      update: { type: 'workflow.task.updated', task, task_index: taskIndex },
    });
  }

  /** Finish the current workflow (summary: the one given, else the one set, else its duration) and save it. */
  async endWorkflow(summary?: WorkflowSummary | null, expanded = false): Promise<void> {
    if (!this.workflowItem) return;
    const workflow = this.workflowItem.workflow;
    if (summary) workflow.summary = summary;
    else workflow.summary ??= { duration: secondsSince(this.workflowItem.created_at) };
    workflow.expanded = expanded;
    await this.stream({ type: 'thread.item.done', item: this.workflowItem });
    this.workflowItem = null;
  }
}

/** Whole seconds since an ISO date. */
export function secondsSince(isoDate: string): number {
  return Math.max(0, Math.floor((Date.now() - Date.parse(isoDate)) / 1000));
}
