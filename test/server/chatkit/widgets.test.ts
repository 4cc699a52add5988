/** chatkit-python's tests/test_widgets.py (diff_widget, None fields left out), ported. */
import { describe, expect, it } from 'vitest';
import type { WidgetComponent, WidgetRoot } from '../../../src/server/chatkit/types.js';
import { diffWidget } from '../../../src/server/chatkit/widgets.js';
import { toWire } from '../../../src/server/chatkit/wire.js';

const card = (...children: WidgetComponent[]): WidgetRoot => ({ type: 'Card', children });
const text = (props: Record<string, unknown>): WidgetComponent => ({ type: 'Text', ...props });

describe('test_diff', () => {
  const cases: [string, WidgetRoot, WidgetRoot, string[]][] = [
    ['empty cards', card(), card(), []],
    ['appended streaming text', card(text({ id: 'text', value: 'Hello', streaming: true })), card(text({ id: 'text', value: 'Hello, world!', streaming: true })), ['widget.streaming_text.value_delta']],
    ['streaming flag changed', card(text({ id: 'text', value: 'Hello', streaming: true })), card(text({ id: 'text', value: 'Hello, world!', streaming: false })), ['widget.root.updated']],
    ['text without id replaced', card(text({ value: 'Hello' })), card(text({ value: 'world!' })), ['widget.root.updated']],
    ['a prop changed', card(text({ id: 'text', value: 'Hi', color: 'red' })), card(text({ id: 'text', value: 'Hi', color: 'blue' })), ['widget.root.updated']],
    ['a child added', card(text({ value: 'a' })), card(text({ value: 'a' }), text({ value: 'b' })), ['widget.root.updated']],
  ];
  for (const [name, before, after, expected] of cases) {
    it(name, () => expect(diffWidget(before, after).map((update) => update.type)).toEqual(expected));
  }

  it('a streaming delta carries the appended text and done = !streaming of the new state', () => {
    expect(diffWidget(card(text({ id: 't', value: 'Hel', streaming: true })), card(text({ id: 't', value: 'Hello', streaming: true })))).toEqual([
      { type: 'widget.streaming_text.value_delta', component_id: 't', delta: 'lo', done: false },
    ]);
  });

  it('a text node whose id changes, or whose text is not extended, replaces the root', () => {
    const before = { type: 'Card', children: [{ type: 'Markdown', id: 'a', value: 'x' }] } as WidgetRoot;
    const after = { type: 'Card', children: [{ type: 'Markdown', id: 'b', value: 'x' }] } as WidgetRoot;
    expect(diffWidget(before, after)).toEqual([{ type: 'widget.root.updated', widget: after }]);
    expect(diffWidget(card(text({ id: 't', value: 'abc' })), card(text({ id: 't', value: 'abd' }))).map((update) => update.type)).toEqual(['widget.root.updated']);
  });
});

describe('test_json_dump_excludes_none_fields', () => {
  it('leaves out null props of the widget and its children, also nested in an item', () => {
    const item = { type: 'widget', id: '1', thread_id: '1', created_at: '2026-01-01T00:00:00.000Z', copy_text: null, widget: { type: 'Card', key: null, padding: null, children: [{ type: 'Text', value: 'Hello', italic: null, color: null }] } };
    expect(toWire(item)).toEqual({ type: 'widget', id: '1', thread_id: '1', created_at: '2026-01-01T00:00:00.000Z', widget: { type: 'Card', children: [{ type: 'Text', value: 'Hello' }] } });
  });

  it('keeps nulls inside free-form JSON (tool arguments, tag data, action payloads), as pydantic does for dict fields', () => {
    const call = { type: 'client_tool_call', arguments: { a: null }, output: { b: null } };
    expect(toWire(call)).toEqual(call);
    const tag = { type: 'input_tag', id: 't', text: 'x', data: { c: null }, group: null, interactive: false };
    expect(toWire(tag)).toEqual({ type: 'input_tag', id: 't', text: 'x', data: { c: null }, interactive: false });
  });
});
