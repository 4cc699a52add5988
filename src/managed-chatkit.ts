import type { OpenAIChatKit } from '@openai/chatkit';
import { getAllowedOrigins, setAllowedOrigins } from './allowed-origins.js';
import type { ChatKitOptionsInput } from './chatkit-options.js';
import type { ChatKitController, ChatKitMethod } from './chatkit-controller.js';
import type { ManagedChatKitErrorDetail } from './errors.js';
import { headStart, type HeadStart } from './head-start.js';
import { DEFAULT_SCRIPT_SRC } from './script-tag.js';

export { DEFAULT_REFRESH_URL, DEFAULT_START_URL } from './session-request.js';

/** Lifecycle of the element, reflected in its `state` attribute. */
export type ManagedChatKitState = 'idle' | 'loading' | 'ready' | 'error';

/** Detail of `managed-chatkit-statechange`. */
export interface StateChangeDetail {
  state: ManagedChatKitState;
  previous: ManagedChatKitState;
}

export const DEFAULT_TIMEOUT = 15_000;

/** How a property meets its attribute: a string, a number, a boolean (presence), or no attribute at all. */
const enum Kind {
  String,
  Number,
  /** Present or absent. */
  Boolean,
  /** A boolean written back to its attribute, for `:host([open])` styles and the page's own CSS. */
  Reflected,
  PropertyOnly,
}

/**
 * The element's reactive properties and their defaults. Each (but the property-only ones) is mirrored by the attribute
 * of its kebab-case name (`apiUrl` ↔ `api-url`); removing an attribute restores the default.
 */
const PROPERTIES: Record<string, [Kind, unknown]> = {
  apiUrl: [Kind.String, null],
  domainKey: [Kind.String, null],
  uploadUrl: [Kind.String, null],
  apiFetch: [Kind.PropertyOnly, undefined],
  startUrl: [Kind.String, null],
  refreshUrl: [Kind.String, null],
  workflowId: [Kind.String, null],
  credentials: [Kind.String, 'same-origin'],
  scriptSrc: [Kind.String, DEFAULT_SCRIPT_SRC],
  timeout: [Kind.Number, DEFAULT_TIMEOUT],
  theme: [Kind.String, null],
  accentColor: [Kind.String, null],
  locale: [Kind.String, null],
  placeholder: [Kind.String, null],
  greeting: [Kind.String, null],
  frameTitle: [Kind.String, null],
  initialThread: [Kind.String, null],
  persistThread: [Kind.String, null],
  loading: [Kind.String, 'eager'],
  launcher: [Kind.Reflected, false],
  open: [Kind.Reflected, false],
  options: [Kind.PropertyOnly, undefined],
  clientToolEvents: [Kind.Boolean, false],
  widgetActionEvents: [Kind.Boolean, false],
  sessionHeaders: [Kind.PropertyOnly, undefined],
};

const attributeName = (property: string): string => property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** Attribute → property, for each observed attribute. */
const ATTRIBUTES = new Map(
  Object.entries(PROPERTIES)
    .filter(([, [kind]]) => kind !== Kind.PropertyOnly)
    .map(([property]) => [attributeName(property), property]),
);

/** The rest of the element: fetched as it first connects, in parallel with ChatKit's script and the session request. */
const loadController = () => import('./chatkit-controller.js');
/** The launcher's button and panel (src/launcher.ts) once fetched: elements with `launcher` fetch it before updating. */
export let Launcher: typeof import('./launcher.js').Launcher | undefined;
export const loadLauncher = () => import('./launcher.js').then((module) => (Launcher = module.Launcher));

/**
 * ChatKit on any page, without React: loads ChatKit's script once, connects it to your backend — client secrets from
 * your session endpoint for a hosted workflow, or your own ChatKit server (`api-url`) — and turns every failure,
 * ChatKit never becoming ready included, into a visible, recoverable state.
 *
 * @summary Drop-in OpenAI ChatKit.
 *
 * @attr {string} start-url - POSTed when ChatKit asks for a secret and has none. Default `/api/chatkit/start`.
 * @attr {string} refresh-url - POSTed with `{"currentClientSecret": "…"}` to refresh. Default `/api/chatkit/refresh` when `start-url` is unset, else `start-url`.
 * @attr {string} workflow-id - Sent in both bodies as `{"workflow": {"id": "…"}}`.
 * @attr {'same-origin' | 'include' | 'omit'} credentials - fetch credentials mode for session requests, and for every ChatKit request with `api-url`. Default `same-origin`.
 * @attr {string} script-src - Where ChatKit is loaded from: ChatKit's CDN (the default), this page's origin, or an origin in `ManagedChatKit.allowedScriptOrigins` / `<meta name="managed-chatkit-script-src">`.
 * @attr {string} nonce - CSP nonce for the injected script. Default: the nonce of the page's own scripts.
 * @attr {number} timeout - ms allowed for the script to define `<openai-chatkit>`, for each session request, and for ChatKit to fire `chatkit.ready` once mounted. Default 15000.
 * @attr {'light' | 'dark' | 'auto'} theme - Color scheme; `auto` follows `prefers-color-scheme` live.
 * @attr {string} accent-color - `theme.color.accent.primary` (level 1).
 * @attr {string} locale - ChatKit's `locale`. Default: the browser's.
 * @attr {string} placeholder - `composer.placeholder`.
 * @attr {string} greeting - `startScreen.greeting`.
 * @attr {string} frame-title - `frameTitle`.
 * @attr {string} initial-thread - `initialThread`.
 * @attr {boolean | string} persist-thread - Remember the active thread (localStorage) and reopen it next time; a value is used as the storage key.
 * @attr {'eager' | 'lazy'} loading - `lazy`: nothing is fetched until the element nears the viewport.
 * @attr {boolean} launcher - Render a floating launcher button; ChatKit loads on first open.
 * @attr {boolean} open - With `launcher`: whether the panel is open.
 * @attr {'idle' | 'loading' | 'ready' | 'error'} state - Read-only, reflected lifecycle state.
 * @attr {string} api-url - Your own ChatKit server (custom-backend mode): ChatKit gets `api: { url, domainKey, fetch, uploadStrategy }` and `start-url`/`refresh-url`/`workflow-id` are not used. This page's origin, or one in `ManagedChatKit.allowedConnectOrigins` / `<meta name="managed-chatkit-connect-src">`.
 * @attr {string} domain-key - Required with `api-url`: the key OpenAI's domain allowlist shows for this site's domain.
 * @attr {string} upload-url - With `api-url`: attachments are uploaded to this URL (`uploadStrategy: {type: "direct"}`); without it `two_phase` when attachments are enabled. Origins as for `api-url`.
 * @attr {boolean} client-tool-events - Fire `managed-chatkit-client-tool` for each client tool call, answered with `detail.respond(result)`.
 * @attr {boolean} widget-action-events - Fire `managed-chatkit-widget-action` for each widget action, answered with `detail.respond()`.
 * @attr {ChatKitOptionsInput | string} options - ChatKit options as JSON, for frameworks that bind attributes (Alpine's `:options`, server-rendered React); below the `options` property. `[object Object]` — a framework that rendered before the element was defined — is a `config` error.
 *
 * @fires {CustomEvent<StateChangeDetail>} managed-chatkit-statechange - `{ state, previous }` whenever `state` changes.
 * @fires {CustomEvent<ManagedChatKitErrorDetail>} managed-chatkit-error - `{ phase, message, status?, retryable }` for every failure (phase `script`, `session`, `config` or `chatkit`); cancel it to keep the console quiet.
 * @fires {CustomEvent<ClientToolDetail>} managed-chatkit-client-tool - With `client-tool-events`: a client tool call `{ name, params, respond(result) }`; call `preventDefault()` and `respond`, or the call fails.
 * @fires {CustomEvent<WidgetActionDetail>} managed-chatkit-widget-action - With `widget-action-events`: `{ action, widgetItem, respond() }`; call `preventDefault()` and `respond`.
 * @fires chatkit.ready - ChatKit's events, each once under its dotted name… (also chatkit.error, chatkit.thread.change, …)
 * @fires chatkit-ready - …and once under its dashed twin for template syntaxes (chatkit-error, chatkit-thread-change, …).
 *
 * @slot loading - Replaces the default loading view.
 * @slot error - Replaces the default error view (call `retry()` from it).
 * @slot launcher - Replaces the launcher button's icon.
 *
 * @csspart chatkit - The inner `<openai-chatkit>` element.
 * @csspart error - The error view (`role="alert"`).
 * @csspart retry-button - The default error view's Retry button.
 * @csspart launcher - The floating launcher button.
 * @csspart panel - The launcher's chat panel.
 *
 * @cssprop --managed-chatkit-accent - Launcher and Retry button background.
 * @cssprop --managed-chatkit-accent-contrast - Launcher and Retry button foreground.
 * @cssprop --managed-chatkit-overlay-background - Loading and error view background.
 * @cssprop --managed-chatkit-overlay-color - Loading and error view text color.
 * @cssprop --managed-chatkit-panel-width - Launcher panel width (400px).
 * @cssprop --managed-chatkit-panel-height - Launcher panel height.
 * @cssprop --managed-chatkit-launcher-inset - Distance of launcher and panel from the viewport corner (20px).
 * @cssprop --managed-chatkit-z-index - Stacking of launcher and panel.
 */
export class ManagedChatKit extends HTMLElement {
  /** Every mirrored attribute, plus `options` (JSON, for frameworks that bind attributes) and `state` (kept true). */
  static get observedAttributes(): string[] {
    return [...ATTRIBUTES.keys(), 'options', 'state'];
  }

  static {
    // An accessor per reactive property: a change schedules one update, as a Lit property would.
    for (const [name, [kind]] of Object.entries(PROPERTIES)) {
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        get(this: ManagedChatKit) {
          return this.#values[name];
        },
        set(this: ManagedChatKit, value: unknown) {
          const old = this.#values[name];
          if (Object.is(old, value)) return;
          this.#values[name] = value;
          if (kind === Kind.Reflected) this.toggleAttribute(attributeName(name), !!value);
          this.requestUpdate(name);
        },
      });
    }
  }

  /**
   * Registers the element under `tag` (a subclass when the tag is not `managed-chatkit`). Does nothing when the tag
   * is already taken — so two copies of the library on one page do not throw.
   */
  static define(tag = 'managed-chatkit', registry: CustomElementRegistry = customElements): void {
    if (registry.get(tag)) return;
    registry.define(tag, tag === 'managed-chatkit' ? this : class extends this {});
  }

  /**
   * Origins besides ChatKit's CDN and the page's own that `script-src` may load from, e.g.
   * `['https://chatkit.example.com']` — set from the page's code, which injected markup cannot do. Setting it (even to
   * `[]`) stops `<meta name="managed-chatkit-script-src">` from being read; `null` reads it again.
   */
  static get allowedScriptOrigins(): readonly string[] | null {
    return getAllowedOrigins('script');
  }
  /** @ignore (the getter documents it) */
  static set allowedScriptOrigins(origins: Iterable<string> | null) {
    setAllowedOrigins('script', origins);
  }

  /**
   * Origins besides the page's own that `api-url` and `upload-url` may name (your ChatKit server on another origin).
   * Setting it (even to `[]`) stops `<meta name="managed-chatkit-connect-src">` from being read; `null` reads it again.
   */
  static get allowedConnectOrigins(): readonly string[] | null {
    return getAllowedOrigins('connect');
  }
  /** @ignore (the getter documents it) */
  static set allowedConnectOrigins(origins: Iterable<string> | null) {
    setAllowedOrigins('connect', origins);
  }

  /** Your own ChatKit server: switches to custom-backend mode (needs `domainKey`). */
  declare apiUrl: string | null;
  /** The domain key from OpenAI's domain allowlist for this site (custom-backend mode). */
  declare domainKey: string | null;
  /** Where ChatKit uploads attachments directly (custom-backend mode). */
  declare uploadUrl: string | null;
  /**
   * Custom-backend mode: the `fetch` ChatKit uses for every request to `apiUrl` (e.g. to add an auth token). Default:
   * `fetch` with `credentials` and `sessionHeaders` applied.
   */
  declare apiFetch: typeof fetch | undefined;
  /** POSTed when ChatKit asks for a secret and has none. */
  declare startUrl: string | null;
  /** POSTed with `{"currentClientSecret": "…"}` when ChatKit asks to refresh. */
  declare refreshUrl: string | null;
  /** Sent in session bodies as `{"workflow": {"id": "…"}}`. */
  declare workflowId: string | null;
  /** fetch credentials mode for session requests. */
  declare credentials: RequestCredentials;
  /** Where ChatKit's script is loaded from. */
  declare scriptSrc: string;
  /** ms allowed for the script, and for each session request. */
  declare timeout: number;
  declare theme: string | null;
  declare accentColor: string | null;
  declare locale: string | null;
  declare placeholder: string | null;
  declare greeting: string | null;
  declare frameTitle: string | null;
  declare initialThread: string | null;
  /** `""`/`"true"` to remember the thread under a key derived from `start-url`, or the storage key itself. */
  declare persistThread: string | null;
  declare loading: 'eager' | 'lazy';
  declare launcher: boolean;
  declare open: boolean;
  /**
   * ChatKit options, above the JSON child and below individual attributes. `api` may only name your own ChatKit server
   * (`url`, `domainKey`, `uploadStrategy`, `fetch`); `api.getClientSecret` is refused.
   */
  declare options: ChatKitOptionsInput | undefined;
  /**
   * Answer ChatKit's client tool calls from a listener: each call fires `managed-chatkit-client-tool`. Off by default —
   * ChatKit treats a page with an `onClientTool` as one that handles client tools. `options.onClientTool` wins.
   */
  declare clientToolEvents: boolean;
  /** Handle widget actions from a listener: each fires `managed-chatkit-widget-action`. `options.widgets.onAction` wins. */
  declare widgetActionEvents: boolean;
  /** Extra headers for session requests (e.g. a CSRF token), and for every ChatKit request in custom-backend mode. */
  declare sessionHeaders: HeadersInit | undefined;


  #values: Record<string, unknown> = {};
  /** Properties changed since the last update. */
  #changed = new Set<string>();
  #updating: Promise<boolean> | null = null;
  /** Connected since the last update: that update starts the element. */
  #fresh = false;
  #headStart: HeadStart | undefined;
  #controller: ChatKitController | null = null;
  #controllerLoad: Promise<ChatKitController> | null = null;
  /** Teardown waiting for the end of the task that disconnected the element: a reconnect (a move) cancels it. */
  #pendingTeardown: ReturnType<typeof setTimeout> | undefined;
  /** The rest of the element could not be fetched: `state` stays `error` (only a reload can fetch it again). */
  #loadError: ManagedChatKitErrorDetail | null = null;

  constructor() {
    super();
    for (const [name, [, initial]] of Object.entries(PROPERTIES)) {
      // A value set on the element before it was defined (React, Vue, Lit-style hosts) shadows the accessor: re-set it.
      const early = Object.hasOwn(this, name) ? (this as unknown as Record<string, unknown>)[name] : initial;
      delete (this as unknown as Record<string, unknown>)[name];
      this.#values[name] = initial;
      if (early !== initial) (this as unknown as Record<string, unknown>)[name] = early;
    }
    this.attachShadow({ mode: 'open' });
  }

  /** Lifecycle state: `idle` (waiting for lazy/launcher intent), `loading`, `ready` or `error`. */
  get state(): ManagedChatKitState {
    return this.#controller?.state ?? (this.#loadError ? 'error' : 'idle');
  }

  /** The last failure while `state` is `error`, else `null`. */
  get error(): ManagedChatKitErrorDetail | null {
    return this.#controller ? this.#controller.error : this.#loadError;
  }

  /** The inner `<openai-chatkit>` element, or `null` before it exists. */
  get chatkit(): OpenAIChatKit | null {
    return this.#controller?.chatkit ?? null;
  }

  /** Whether a change is waiting for the next update. */
  get isUpdatePending(): boolean {
    return this.#updating !== null;
  }

  /** Resolves once the element has reacted to every change made so far (`true` when no other update is waiting). */
  get updateComplete(): Promise<boolean> {
    return this.#updating ?? Promise.resolve(true);
  }

  connectedCallback(): void {
    // Restored markup (Turbo's cache, htmx history) may carry a stale state="ready": the attribute tells the truth.
    this.#writeState();
    if (this.#pendingTeardown !== undefined) {
      // Moved (appended elsewhere, Turbo's data-turbo-permanent): keep ChatKit, its session and its draft.
      clearTimeout(this.#pendingTeardown);
      this.#pendingTeardown = undefined;
      return;
    }
    this.#fresh = true;
    this.requestUpdate();
  }

  disconnectedCallback(): void {
    // Torn down after the current task, so a move (disconnect + connect in one task) keeps ChatKit as it is.
    if (this.#pendingTeardown !== undefined) return;
    this.#pendingTeardown = setTimeout(() => {
      this.#pendingTeardown = undefined;
      if (this.isConnected) return;
      this.#fresh = false;
      this.#dropHeadStart();
      // The rest of the element may still be on its way: it tears down (rejecting queued calls) as it arrives.
      this.#controllerLoad?.then((controller) => this.isConnected || controller.teardown(), () => {});
    });
  }

  /**
   * `moveBefore` (Chromium 133+) moves the element without disconnecting it: nothing to do, ChatKit stays live.
   * @ignore (a lifecycle callback)
   */
  connectedMoveCallback(): void {}

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    const property = ATTRIBUTES.get(name);
    if (property) {
      const [kind, initial] = PROPERTIES[property]!;
      // kind >= Boolean: Boolean or Reflected (property-only ones have no attribute).
      (this as unknown as Record<string, unknown>)[property] =
        kind >= Kind.Boolean ? value !== null : value === null ? initial : kind === Kind.Number ? Number(value) : value;
    } else if (name === 'state') {
      // Read-only: written back when markup morphing (idiomorph, Turbo 8) or a script changes or removes it.
      if (this.isConnected) this.#writeState();
    } else if (old !== value) {
      this.requestUpdate('options attribute');
    }
  }

  /** Schedules an update for a change to `property`, run once the code that made the change has finished (like Lit's). */
  requestUpdate(property?: string): void {
    if (property) this.#changed.add(property);
    this.#updating ??= this.#update();
  }

  /**
   * One update. It runs after the code that connected or changed the element (a framework's property bindings
   * included); the first one after connecting starts ChatKit's script and the session request at once, then waits for
   * the rest of the element — fetched in parallel — to take over.
   */
  async #update(): Promise<boolean> {
    await null;
    const start = this.#fresh && this.isConnected;
    this.#fresh = false;
    if (start) this.#headStart = headStart(this);
    try {
      const [controller] = await Promise.all([this.#loadController(), this.launcher && !Launcher && loadLauncher()]);
      const changed = this.#changed;
      this.#changed = new Set();
      this.#updating = null;
      const early = this.#headStart;
      this.#headStart = undefined;
      controller.update(changed, start, early);
    } catch (error) {
      this.#updating = null;
      this.#failToLoad(error);
    }
    return !this.#updating;
  }

  #loadController(): Promise<ChatKitController> {
    return (this.#controllerLoad ??= loadController().then(({ ChatKitController }) => (this.#controller = new ChatKitController(this))));
  }

  /** The element's own code could not be fetched (a deploy that removed the file, a network failure): say so. */
  #failToLoad(error: unknown): void {
    this.#dropHeadStart();
    const message = `<managed-chatkit> could not load the rest of its code (${error instanceof Error ? error.message : String(error)}). Serve all of managed-chatkit's dist files from one folder, then reload the page.`;
    // Not retryable: browsers remember a module that failed to load for the page's lifetime.
    const detail = (this.#loadError = { phase: 'script', message, retryable: false });
    const alert = document.createElement('p');
    alert.setAttribute('role', 'alert');
    alert.setAttribute('part', 'error');
    alert.textContent = message;
    this.shadowRoot!.replaceChildren(alert);
    this.#writeState();
    if (this.dispatchEvent(new CustomEvent('managed-chatkit-error', { detail, bubbles: true, composed: true, cancelable: true }))) {
      console.warn(message);
    }
  }

  /** Aborts a session request the rest of the element will not adopt. */
  #dropHeadStart(): void {
    this.#headStart?.session?.abort();
    this.#headStart = undefined;
  }

  #writeState(): void {
    if (this.getAttribute('state') !== this.state) this.setAttribute('state', this.state);
  }

  /**
   * Leaves the `error` state and tries again from the failed phase: a fresh script tag, a fresh ChatKit (with a fresh
   * session in hosted mode; the open thread is kept), or the corrected configuration. Also restarts a load that seems
   * stuck in `loading`; does nothing while `idle` or `ready`.
   */
  retry(): void {
    this.#controller?.retry();
  }

  /** Opens the launcher panel (loading ChatKit on first open). */
  show(): void {
    this.open = true;
  }

  /** Closes the launcher panel; ChatKit stays loaded. */
  hide(): void {
    this.open = false;
  }

  /** Toggles the launcher panel. */
  toggle(): void {
    this.open = !this.open;
  }

  #call<M extends ChatKitMethod>(method: M, args: Parameters<OpenAIChatKit[M]>): Promise<void> {
    return this.#loadController().then((controller) => controller.call(method, args));
  }

  /** ChatKit's `focusComposer`, queued until ChatKit is ready. */
  focusComposer(...args: Parameters<OpenAIChatKit['focusComposer']>): Promise<void> {
    return this.#call('focusComposer', args);
  }
  /** ChatKit's `setThreadId`, queued until ChatKit is ready. */
  setThreadId(...args: Parameters<OpenAIChatKit['setThreadId']>): Promise<void> {
    return this.#call('setThreadId', args);
  }
  /** ChatKit's `sendUserMessage`, queued until ChatKit is ready. */
  sendUserMessage(...args: Parameters<OpenAIChatKit['sendUserMessage']>): Promise<void> {
    return this.#call('sendUserMessage', args);
  }
  /** ChatKit's `setComposerValue`, queued until ChatKit is ready. */
  setComposerValue(...args: Parameters<OpenAIChatKit['setComposerValue']>): Promise<void> {
    return this.#call('setComposerValue', args);
  }
  /** ChatKit's `fetchUpdates`, queued until ChatKit is ready. */
  fetchUpdates(...args: Parameters<OpenAIChatKit['fetchUpdates']>): Promise<void> {
    return this.#call('fetchUpdates', args);
  }
  /** ChatKit's `sendCustomAction`, queued until ChatKit is ready. */
  sendCustomAction(...args: Parameters<OpenAIChatKit['sendCustomAction']>): Promise<void> {
    return this.#call('sendCustomAction', args);
  }
  /** ChatKit's `showHistory`, queued until ChatKit is ready. */
  showHistory(...args: Parameters<OpenAIChatKit['showHistory']>): Promise<void> {
    return this.#call('showHistory', args);
  }
  /** ChatKit's `hideHistory`, queued until ChatKit is ready. */
  hideHistory(...args: Parameters<OpenAIChatKit['hideHistory']>): Promise<void> {
    return this.#call('hideHistory', args);
  }
}

