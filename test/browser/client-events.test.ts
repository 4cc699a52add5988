/**
 * Function-valued options from templates (issue 12.9): with `client-tool-events` / `widget-action-events`, ChatKit's
 * client tool calls and widget actions become cancelable DOM events answered through `detail.respond`; the `options`
 * property path (`onClientTool`, `widgets.onAction`) works too and wins.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { cleanup, doubleSrc, innerDouble, mount, scenario, untilState } from './helpers.js';

type OnClientTool = (call: { name: string; params: Record<string, unknown> }) => Promise<Record<string, unknown>>;
type OnAction = (action: { type: string; payload?: Record<string, unknown> }, item: { id: string; widget: unknown }) => Promise<void>;

describe('client tool calls and widget actions as DOM events (issue 12.9)', () => {
  afterEach(cleanup);

  it('off by default: ChatKit gets no onClientTool and no widgets.onAction', async () => {
    const s = scenario('client-events-off');
    const element = mount({ 'script-src': doubleSrc(), 'start-url': s.startUrl });
    await untilState(element, 'ready');
    expect(innerDouble(element)!.options.onClientTool).to.equal(undefined);
    expect(innerDouble(element)!.options.widgets).to.equal(undefined);
  });

  it('client-tool-events: a listener answers with detail.respond (also later); unhandled calls reject naming the event', async () => {
    const s = scenario('client-tool-events');
    const element = mount({ 'script-src': doubleSrc(), 'start-url': s.startUrl, 'client-tool-events': true });
    // snippet:start client-tool-events
    element.addEventListener('managed-chatkit-client-tool', (event) => {
      if (event.detail.name !== 'get_location') return; // not ours: another listener may answer
      event.preventDefault();
      setTimeout(() => event.detail.respond({ city: 'Berlin', asked: event.detail.params }), 10);
    });
    // snippet:end client-tool-events
    await untilState(element, 'ready');
    const onClientTool = innerDouble(element)!.options.onClientTool as OnClientTool;
    expect(await onClientTool({ name: 'get_location', params: { precise: false } })).to.deep.equal({ city: 'Berlin', asked: { precise: false } });
    const error = await onClientTool({ name: 'unknown_tool', params: {} }).catch((reason: Error) => reason);
    expect((error as Error).message).to.include('no listener handled client tool "unknown_tool"');
  });

  it('widget-action-events: the action and its widget reach the listener; respond() settles the action', async () => {
    const s = scenario('widget-action-events');
    const element = mount({ 'script-src': doubleSrc(), 'start-url': s.startUrl, 'widget-action-events': true });
    const seen: string[] = [];
    element.addEventListener('managed-chatkit-widget-action', (event) => {
      event.preventDefault();
      seen.push(`${event.detail.action.type}@${event.detail.widgetItem.id}`);
      event.detail.respond();
    });
    element.options = { widgets: {} };
    await untilState(element, 'ready');
    const onAction = (innerDouble(element)!.options.widgets as { onAction: OnAction }).onAction;
    await onAction({ type: 'order.confirm', payload: { id: 1 } }, { id: 'widget-1', widget: {} });
    expect(seen).to.deep.equal(['order.confirm@widget-1']);
  });

  it('the options property path: options.onClientTool is called and wins over the events', async () => {
    const s = scenario('client-tool-property');
    const element = mount({ 'script-src': doubleSrc(), 'start-url': s.startUrl, 'client-tool-events': true });
    let events = 0;
    element.addEventListener('managed-chatkit-client-tool', () => events++);
    // snippet:start client-tool-property
    element.options = {
      onClientTool: async ({ name, params }) => (name === 'add' ? { sum: (params.a as number) + (params.b as number) } : {}),
    };
    // snippet:end client-tool-property
    await untilState(element, 'ready');
    const onClientTool = innerDouble(element)!.options.onClientTool as OnClientTool;
    expect(await onClientTool({ name: 'add', params: { a: 2, b: 3 } })).to.deep.equal({ sum: 5 });
    expect(events).to.equal(0);
  });
});
