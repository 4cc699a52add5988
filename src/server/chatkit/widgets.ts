import { defaultGenerateId, type StoreItemType } from './store/store.js';
import type { ThreadMetadata, ThreadStreamEvent, WidgetComponent, WidgetItem, WidgetRoot, WidgetRootUpdated, WidgetComponentUpdated, WidgetStreamingTextValueDelta } from './types.js';

type WidgetUpdate = WidgetStreamingTextValueDelta | WidgetRootUpdated | WidgetComponentUpdated;

const isComponent = (value: unknown): value is WidgetComponent =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';

const isStreamingText = (component: WidgetComponent) =>
  (component.type === 'Markdown' || component.type === 'Text') && typeof component.value === 'string';

/**
 * The updates that turn widget `before` into `after` (chatkit-python's `diff_widget`): text appended to the
 * `value` of a `Text`/`Markdown` with an `id` streams as `widget.streaming_text.value_delta`; any other change
 * replaces the whole root (`widget.root.updated`).
 * @throws {Error} when a component with an id disappears, or its text changes other than by appending.
 */
export function diffWidget(before: WidgetRoot, after: WidgetRoot): WidgetUpdate[] {
  if (needsFullReplace(before, after)) return [{ type: 'widget.root.updated', widget: after }];
  const beforeNodes = streamingTextNodes(before);
  const updates: WidgetUpdate[] = [];
  for (const [id, node] of streamingTextNodes(after)) {
    const previous = beforeNodes.get(id);
    if (!previous) throw new Error(`Widget node ${id} was not present when the widget was first rendered: nodes with an id must persist across updates`);
    const from = String(previous.value);
    const to = String(node.value);
    if (from === to) continue;
    if (!to.startsWith(from)) throw new Error(`Widget node ${id} got a value that does not extend the previous one: widget text updates must be cumulative`);
    updates.push({ type: 'widget.streaming_text.value_delta', component_id: id, delta: to.slice(from.length), done: !node.streaming });
  }
  return updates;
}

function needsFullReplace(before: WidgetComponent, after: WidgetComponent): boolean {
  if (before.type !== after.type || (before.id ?? null) !== (after.id ?? null) || (before.key ?? null) !== (after.key ?? null)) return true;
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (
      field === 'value' &&
      isStreamingText(before) &&
      isStreamingText(after) &&
      (after.value as string).startsWith(before.value as string)
    ) {
      continue; // appended text streams as a delta
    }
    if (valueNeedsReplace(before[field], after[field])) return true;
  }
  return false;
}

function valueNeedsReplace(before: unknown, after: unknown): boolean {
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.length !== after.length || before.some((value, index) => valueNeedsReplace(value, after[index]));
  }
  if (deepEqual(before, after)) return false;
  return isComponent(before) && isComponent(after) ? needsFullReplace(before, after) : true;
}

function streamingTextNodes(root: WidgetComponent): Map<string, WidgetComponent> {
  const nodes = new Map<string, WidgetComponent>();
  const visit = (component: WidgetComponent) => {
    if (isStreamingText(component) && component.id) nodes.set(component.id, component);
    for (const child of Array.isArray(component.children) ? component.children : []) if (isComponent(child)) visit(child);
  };
  visit(root);
  return nodes;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || ((a === null || a === undefined) && (b === null || b === undefined))) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A widget as thread stream events (chatkit-python's `stream_widget`): a finished root is one `thread.item.done`;
 * an async iterable of roots is `thread.item.added` with the first, the {@link diffWidget} updates between
 * successive roots, and `thread.item.done` with the last.
 */
export async function* streamWidget(
  thread: ThreadMetadata,
  widget: WidgetRoot | AsyncIterable<WidgetRoot>,
  copyText: string | null = null,
  generateId: (type: StoreItemType) => string = defaultGenerateId,
): AsyncGenerator<ThreadStreamEvent> {
  const base = { type: 'widget', id: generateId('message'), thread_id: thread.id, created_at: new Date().toISOString(), copy_text: copyText } as const;
  if (!isAsyncIterable<WidgetRoot>(widget)) {
    yield { type: 'thread.item.done', item: { ...base, widget } satisfies WidgetItem };
    return;
  }
  let last: WidgetRoot | undefined;
  for await (const state of widget) {
    if (last === undefined) {
      yield { type: 'thread.item.added', item: { ...base, widget: state } };
    } else {
      for (const update of diffWidget(last, state)) yield { type: 'thread.item.updated', item_id: base.id, update };
    }
    last = state;
  }
  if (last !== undefined) yield { type: 'thread.item.done', item: { ...base, widget: last } };
}
