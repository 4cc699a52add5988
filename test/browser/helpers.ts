import type { ManagedChatKitErrorDetail } from '../../src/errors.js';
import type { ManagedChatKit, ManagedChatKitState } from '../../src/managed-chatkit.js';

/** What the ChatKit double exposes on each instance (see test/fixtures/chatkit-double.ts). */
export interface ChatKitDouble extends HTMLElement {
  options: Record<string, unknown> & { api: { getClientSecret(current: string | null): Promise<string> } };
  setOptionsCalls: Array<Record<string, unknown>>;
  calls: Array<{ method: string; args: unknown[] }>;
  secretRequests: Array<string | null>;
  secret: string | null;
  expireSecret(): Promise<string | null>;
  emit(name: string, detail?: unknown): void;
  /** Custom backend: protocol requests sent, the thread on screen, the rendered conversation. */
  apiRequests: Array<{ type: string; params?: Record<string, any> }>;
  threadId: string | null;
  transcript(): Array<[string, string]>;
}

/** ChatKit's `api` for a custom backend, as the double received it. */
export interface CustomApi {
  url: string;
  domainKey: string;
  fetch?: typeof fetch;
  uploadStrategy?: { type: 'two_phase' } | { type: 'direct'; uploadUrl: string };
}

export interface DoubleRegistry {
  instances: Set<ChatKitDouble>;
  last: ChatKitDouble | null;
  evaluations: number;
  /** Settings read by each instance as it starts (see test/fixtures/chatkit-double.ts). */
  config?: { ready: 'after-secret' | 'first' | 'never' | 'error'; readyDelay: number };
}

export const doubles = (): DoubleRegistry | undefined => (window as unknown as { chatkitDouble?: DoubleRegistry }).chatkitDouble;

/** URL of the ChatKit double, optionally answered after `delayMs` by the test server, with query options. */
export function doubleSrc(query: Record<string, string> = {}, delayMs = 0): string {
  const search = new URLSearchParams(query).toString();
  return `/script/${delayMs}/chatkit-double.js${search ? `?${search}` : ''}`;
}

let counter = 0;
/** A fresh fake-session scenario: its URLs, and helpers to change its faults and read its log. */
export function scenario(name = 'scenario') {
  const id = `${name}-${Date.now().toString(36)}-${counter++}`;
  const base = `/session/${id}`;
  return {
    id,
    startUrl: `${base}/start`,
    refreshUrl: `${base}/refresh`,
    async fault(faults: { start?: string; refresh?: string }) {
      await fetch(`${base}/fault`, { method: 'PUT', body: JSON.stringify(faults) });
    },
    async log(): Promise<Array<{ kind: string; body: any; headers: Record<string, string> }>> {
      return (await fetch(`${base}/log`)).json();
    },
  };
}

/** A fresh scenario on the fake ChatKit server (test/fixtures/fake-chatkit-server.mjs): its URL, fault and log. */
export function chatkitServer(name = 'server') {
  const id = `${name}-${Date.now().toString(36)}-${counter++}`;
  const url = `/chatkit/${id}`;
  return {
    id,
    url,
    async fault(fault: string) {
      await fetch(`${url}/fault`, { method: 'PUT', body: JSON.stringify({ fault }) });
    },
    async log(): Promise<Array<{ body: any; headers: Record<string, string> }>> {
      return (await fetch(`${url}/log`)).json();
    },
  };
}

/** Creates `<managed-chatkit>` with attributes and appends it to `parent` (default: body). */
export function mount(attributes: Record<string, string | boolean>, parent: Element = document.body, children = ''): ManagedChatKit {
  const element = document.createElement('managed-chatkit');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.innerHTML = children;
  parent.append(element);
  return element;
}

/** Resolves when `element.state` is `state`, rejecting after `timeout` ms with the state it was stuck in. */
export function untilState(element: ManagedChatKit, state: ManagedChatKitState, timeout = 5000): Promise<void> {
  if (element.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      element.removeEventListener('managed-chatkit-statechange', onChange);
      reject(new Error(`state stayed "${element.state}" instead of "${state}"${element.error ? `: ${element.error.message}` : ''}`));
    }, timeout);
    const onChange = () => {
      if (element.state !== state) return;
      clearTimeout(timer);
      element.removeEventListener('managed-chatkit-statechange', onChange);
      resolve();
    };
    element.addEventListener('managed-chatkit-statechange', onChange);
  });
}

/** Resolves after `predicate` turns true (polling each animation frame), or rejects after `timeout` ms. */
export async function until(predicate: () => unknown, message = 'condition', timeout = 5000): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The inner ChatKit double of an element. */
export const innerDouble = (element: ManagedChatKit) => element.chatkit as unknown as ChatKitDouble | null;

/** How many times the browser fetched a URL containing `fragment` (resource timing). */
export function requestsFor(fragment: string): number {
  return performance.getEntriesByType('resource').filter((entry) => entry.name.includes(fragment)).length;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records `managed-chatkit-error` details from an element. */
export function errorsOf(element: ManagedChatKit) {
  const details: Array<{ phase: string; message: string; status?: number; retryable: boolean }> = [];
  element.addEventListener('managed-chatkit-error', (event) => {
    event.preventDefault(); // keep the console quiet
    details.push(event.detail);
  });
  return details;
}

/** Removes every managed-chatkit element from the page. */
export function cleanup(): void {
  document.querySelectorAll('managed-chatkit').forEach((element) => element.remove());
}

/** What a page of test/fixtures/csp-pages.mjs records from its first script on, as `window.__page`. */
export interface CspPageRecord {
  errors: Array<{ message: string; filename: string }>;
  rejections: string[];
  violations: Array<{ directive: string; blockedURI: string; sample: string }>;
  elementErrors: ManagedChatKitErrorDetail[];
  states: Array<[ManagedChatKitState, ManagedChatKitState]>;
  /** `[src, nonce]` of every script tag the element inserted (even one removed again). */
  scripts: Array<[string, string]>;
}
