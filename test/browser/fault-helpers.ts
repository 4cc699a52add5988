/**
 * Shared assertions for the fault suites (faults-*.test.ts): each case is a table row — what to mount, which
 * fault, which error detail and message parts to expect, how to remove the fault and how to recover.
 */
import { expect } from '@open-wc/testing';
import type { ErrorPhase, ManagedChatKitErrorDetail } from '../../src/errors.js';
import type { ManagedChatKit, ManagedChatKitState } from '../../src/managed-chatkit.js';
import { innerDouble, mount, sleep, untilState } from './helpers.js';

/** Uncaught errors and unhandled rejections seen on a window while a test runs. */
export interface PageWatch {
  rejections: string[];
  errors: Array<{ message: string; filename: string }>;
  /** Stops listening and restores mocha's `window.onerror`. */
  stop(): void;
}

/**
 * Listens to `unhandledrejection` and `error` on `window` for the whole test. `tolerate`: the URL of a script whose
 * own uncaught exception the test provokes on purpose — it is still recorded (and asserted by the caller), but
 * mocha's `window.onerror` does not turn it into a failure of the test.
 */
export function watchPage(tolerate?: string): PageWatch {
  const rejections: string[] = [];
  const errors: Array<{ message: string; filename: string }> = [];
  const onRejection = (event: PromiseRejectionEvent) => rejections.push(describe(event.reason));
  const onError = (event: ErrorEvent) => errors.push({ message: event.message, filename: event.filename });
  window.addEventListener('unhandledrejection', onRejection);
  window.addEventListener('error', onError);
  const mochaOnError = window.onerror;
  if (tolerate) {
    window.onerror = (message, source, ...rest) => (source === tolerate ? true : (mochaOnError?.call(window, message, source, ...rest) ?? false));
  }
  return {
    rejections,
    errors,
    stop() {
      window.removeEventListener('unhandledrejection', onRejection);
      window.removeEventListener('error', onError);
      window.onerror = mochaOnError;
    },
  };
}

function describe(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}

/** Everything an element reported, recorded from before it connects. */
export interface Recorder {
  errors: ManagedChatKitErrorDetail[];
  /** `[state, previous]` per `managed-chatkit-statechange`. */
  states: Array<[ManagedChatKitState, ManagedChatKitState]>;
}

/** Records `managed-chatkit-error` (cancelled, to keep the console quiet) and `managed-chatkit-statechange`. */
export function record(element: ManagedChatKit): Recorder {
  const recorder: Recorder = { errors: [], states: [] };
  element.addEventListener('managed-chatkit-error', (event) => {
    event.preventDefault();
    recorder.errors.push(event.detail);
  });
  element.addEventListener('managed-chatkit-statechange', (event) => recorder.states.push([event.detail.state, event.detail.previous]));
  return recorder;
}

/** Mounts `<managed-chatkit>` with a recorder attached before it connects. */
export function mountRecorded(attributes: Record<string, string>, children = ''): { element: ManagedChatKit; recorder: Recorder } {
  const holder = document.createElement('div');
  holder.dataset.faultHolder = '';
  const element = mount(attributes, holder, children);
  const recorder = record(element);
  document.body.append(holder);
  return { element, recorder };
}

/** Removes what {@link mountRecorded} added. */
export function cleanupFaults(): void {
  document.querySelectorAll('[data-fault-holder]').forEach((holder) => holder.remove());
  document.querySelectorAll('managed-chatkit').forEach((element) => element.remove());
}

export interface ExpectedError {
  phase: ErrorPhase;
  /** Omitted means the detail must have no `status` key at all. */
  status?: number;
  retryable: boolean;
  /** Meaningful parts the message must contain: URL, status, attribute name, quoted body. */
  mentions: string[];
}

/** Exactly one `managed-chatkit-error` with this detail; `state`/`error` agree; the alert shows the message. */
export async function expectOneError(element: ManagedChatKit, recorder: Recorder, expected: ExpectedError): Promise<ManagedChatKitErrorDetail> {
  await sleep(50); // a second event for the same failure would arrive by now
  expect(recorder.errors, 'managed-chatkit-error events').to.have.length(1);
  const [detail] = recorder.errors;
  const { message, ...rest } = detail;
  const wanted: Omit<ManagedChatKitErrorDetail, 'message'> = { phase: expected.phase, retryable: expected.retryable };
  if (expected.status !== undefined) wanted.status = expected.status;
  expect(rest).to.deep.equal(wanted);
  for (const part of expected.mentions) expect(message, 'error message').to.include(part);
  expect(element.state).to.equal('error');
  expect(element.getAttribute('state')).to.equal('error');
  expect(element.error).to.deep.equal(detail);
  await element.updateComplete;
  const view = element.shadowRoot!.querySelector<HTMLElement>('[part="error"]');
  expect(view, 'error view [part="error"]').to.exist;
  expect(view!.getAttribute('role')).to.equal('alert');
  expect(view!.textContent).to.include(message);
  expect(element.shadowRoot!.querySelector('[part="retry-button"]'), 'retry button').to.exist;
  return detail;
}

/** `ready`, no error view, the ChatKit double holds a secret matching `secret`. */
export async function expectReady(element: ManagedChatKit, secret: RegExp = /^secret-start-\d+$/): Promise<void> {
  expect(element.state).to.equal('ready');
  expect(element.getAttribute('state')).to.equal('ready');
  expect(element.error).to.equal(null);
  await element.updateComplete;
  expect(element.shadowRoot!.querySelector('[part="error"]'), 'error view after recovery').to.equal(null);
  expect(innerDouble(element)?.secret).to.match(secret);
}

/** No unhandled rejection; uncaught errors exactly as expected (none unless a case provokes one). */
export async function expectCleanPage(page: PageWatch, errors: PageWatch['errors'] = []): Promise<void> {
  await sleep(20); // unhandledrejection is reported after the microtask checkpoint
  expect(page.rejections, 'unhandled rejections').to.deep.equal([]);
  expect(page.errors, 'uncaught errors').to.deep.equal(errors);
}

/** How a case recovers once its fault is removed. */
export type Recovery = 'retry()' | 'retry button' | 'by itself';

export interface FaultRow {
  name: string;
  attributes: Record<string, string>;
  children?: string;
  /** Installs the fault before the element connects. */
  arrange?: () => Promise<void>;
  expected: ExpectedError;
  /** Extra checks while in `error` (nothing fetched, no tag inserted…). */
  whileFailed?: (element: ManagedChatKit) => Promise<void> | void;
  /** Removes the fault. */
  repair: (element: ManagedChatKit) => Promise<void> | void;
  recovery: Recovery;
  /** Extra checks once `ready` again. */
  afterRecovery?: (element: ManagedChatKit) => Promise<void> | void;
  /** A script URL whose own uncaught exception is part of the case, and the page errors it must produce. */
  tolerate?: { source: string; errors: PageWatch['errors'] };
  /** ms to wait for `error` (default 5000). */
  within?: number;
}

/**
 * One row: mount → exactly one error with the expected detail, visible in the alert → repair → recover → `ready`
 * with a secret, and the state sequence idle→loading→error→loading→ready with nothing in between; no unhandled
 * rejection or uncaught error on the page from start to end.
 */
export async function runFaultRow(row: FaultRow): Promise<ManagedChatKit> {
  const page = watchPage(row.tolerate?.source);
  try {
    await row.arrange?.();
    const { element, recorder } = mountRecorded(row.attributes, row.children);
    await untilState(element, 'error', row.within ?? 5000);
    await expectOneError(element, recorder, row.expected);
    expect(recorder.states).to.deep.equal([
      ['loading', 'idle'],
      ['error', 'loading'],
    ]);
    await row.whileFailed?.(element);

    await row.repair(element);
    if (row.recovery === 'retry()') element.retry();
    else if (row.recovery === 'retry button') element.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    await untilState(element, 'ready');
    await expectReady(element);
    expect(recorder.errors, 'no further error after recovery').to.have.length(1);
    expect(recorder.states).to.deep.equal([
      ['loading', 'idle'],
      ['error', 'loading'],
      ['loading', 'error'],
      ['ready', 'loading'],
    ]);
    await row.afterRecovery?.(element);
    await expectCleanPage(page, row.tolerate?.errors);
    return element;
  } finally {
    page.stop();
  }
}

/** Resource-timing entries whose URL contains `fragment`. */
export const fetchedUrls = (fragment: string) =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => name.includes(fragment));

/** Every `<script>` in the document whose `src` attribute starts with `prefix`. */
export const scriptsWithSrc = (prefix: string) => [...document.querySelectorAll('script')].filter((script) => (script.getAttribute('src') ?? '').startsWith(prefix));
