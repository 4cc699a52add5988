import type { ChatKitOptions } from '@openai/chatkit';

type ClientToolCall = Parameters<NonNullable<ChatKitOptions['onClientTool']>>[0];
type ClientToolResult = Awaited<ReturnType<NonNullable<ChatKitOptions['onClientTool']>>>;
type WidgetAction = Parameters<NonNullable<NonNullable<ChatKitOptions['widgets']>['onAction']>>;

/** Detail of `managed-chatkit-client-tool`: call `preventDefault()`, then `respond(result)` (now or later). */
export interface ClientToolDetail extends ClientToolCall {
  respond(result: ClientToolResult | Promise<ClientToolResult>): void;
}

/** Detail of `managed-chatkit-widget-action`: call `preventDefault()`, then `respond()` once handled. */
export interface WidgetActionDetail {
  action: WidgetAction[0];
  widgetItem: WidgetAction[1];
  respond(done?: Promise<void>): void;
}

/**
 * Dispatches a cancelable event on `host` whose detail carries `respond`; resolves with what the listener responds.
 * An event nobody cancels rejects at once with `unhandled` — ChatKit reports it as the tool's or action's failure.
 */
function ask<T, D extends object>(host: HTMLElement, type: string, detail: D, unhandled: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const event = new CustomEvent(type, {
      detail: { ...detail, respond: (result: T | Promise<T>) => resolve(result) },
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    if (host.dispatchEvent(event)) reject(new Error(unhandled));
  });
}

/** `onClientTool` for ChatKit that asks the page through `managed-chatkit-client-tool`. */
export const clientToolViaEvent =
  (host: HTMLElement) =>
  (call: ClientToolCall): Promise<ClientToolResult> =>
    ask(host, 'managed-chatkit-client-tool', call, `<managed-chatkit>: no listener handled client tool "${call.name}" (listen to managed-chatkit-client-tool, call preventDefault() and detail.respond(result)).`);

/** `widgets.onAction` for ChatKit that asks the page through `managed-chatkit-widget-action`. */
export const widgetActionViaEvent =
  (host: HTMLElement) =>
  (action: WidgetAction[0], widgetItem: WidgetAction[1]): Promise<void> =>
    ask(host, 'managed-chatkit-widget-action', { action, widgetItem }, `<managed-chatkit>: no listener handled widget action "${action.type}" (listen to managed-chatkit-widget-action, call preventDefault() and detail.respond()).`);
