import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ChatKitOptions, OpenAIChatKit } from '@openai/chatkit';
import { customApi, resolveBackend, type Backend } from './backend.js';
import { buildChatKitOptions, parseOptionsAttribute, parseOptionsJson, type ChatKitOptionsInput } from './chatkit-options.js';
import { CHATKIT_EVENTS, forwardChatKitEvent } from './chatkit-events.js';
import { clientToolViaEvent, widgetActionViaEvent } from './client-events.js';
import { ColorSchemeController } from './color-scheme-controller.js';
import { ManagedChatKitError, type ManagedChatKitErrorDetail } from './errors.js';
import { whenNearViewport } from './near-viewport.js';
import { StableOptions } from './options-equality.js';
import { ReadinessWatchdog } from './readiness-watchdog.js';
import { CHATKIT_TAG, DEFAULT_SCRIPT_SRC, loadChatKit, pageNonce, preconnect, resolveScriptUrl } from './script-loader.js';
import { SessionClient, type SessionConfig } from './session-client.js';
import { getAllowedOrigins, setAllowedOrigins } from './url-policy.js';
import { styles } from './managed-chatkit.styles.js';
import { ThreadStore } from './thread-store.js';
import { inTurboPreview, whenPreviewEnds } from './turbo-preview.js';

/** Lifecycle of the element, reflected in its `state` attribute. */
export type ManagedChatKitState = 'idle' | 'loading' | 'ready' | 'error';

/** Detail of `managed-chatkit-statechange`. */
export interface StateChangeDetail {
  state: ManagedChatKitState;
  previous: ManagedChatKitState;
}

export const DEFAULT_START_URL = '/api/chatkit/start';
export const DEFAULT_REFRESH_URL = '/api/chatkit/refresh';
export const DEFAULT_TIMEOUT = 15_000;

/** Properties whose change means a new `setOptions`. */
const OPTION_PROPERTIES = new Set<PropertyKey>([
  'options',
  'theme',
  'accentColor',
  'locale',
  'placeholder',
  'greeting',
  'frameTitle',
  'initialThread',
  'apiUrl',
  'domainKey',
  'uploadUrl',
  'apiFetch',
  'clientToolEvents',
  'widgetActionEvents',
]);
/** Properties whose change may clear a `config` error. */
const CONFIG_PROPERTIES = new Set<PropertyKey>([...OPTION_PROPERTIES, 'scriptSrc', 'credentials', 'loading', 'startUrl', 'refreshUrl', 'workflowId']);

/** Attributes observed beside Lit's (documented by `@attr` on the class). */
const UNREACTIVE_ATTRIBUTES = ['options', 'state'];

const CREDENTIALS: readonly RequestCredentials[] = ['same-origin', 'include', 'omit'];

type ChatKitMethod =
  | 'focusComposer'
  | 'setThreadId'
  | 'sendUserMessage'
  | 'setComposerValue'
  | 'fetchUpdates'
  | 'sendCustomAction'
  | 'showHistory'
  | 'hideHistory';

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
export class ManagedChatKit extends LitElement {
  static override styles = styles;

  static override properties = {
    apiUrl: { attribute: 'api-url' },
    domainKey: { attribute: 'domain-key' },
    uploadUrl: { attribute: 'upload-url' },
    apiFetch: { attribute: false },
    startUrl: { attribute: 'start-url' },
    refreshUrl: { attribute: 'refresh-url' },
    workflowId: { attribute: 'workflow-id' },
    credentials: {},
    scriptSrc: { attribute: 'script-src' },
    timeout: { type: Number },
    theme: {},
    accentColor: { attribute: 'accent-color' },
    locale: {},
    placeholder: {},
    greeting: {},
    frameTitle: { attribute: 'frame-title' },
    initialThread: { attribute: 'initial-thread' },
    persistThread: { attribute: 'persist-thread' },
    loading: {},
    launcher: { type: Boolean, reflect: true },
    open: { type: Boolean, reflect: true },
    options: { attribute: false },
    clientToolEvents: { type: Boolean, attribute: 'client-tool-events' },
    widgetActionEvents: { type: Boolean, attribute: 'widget-action-events' },
    sessionHeaders: { attribute: false },
  };

  /** Lit's attributes, plus `options` (JSON, for frameworks that bind attributes) and `state` (kept true). */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...UNREACTIVE_ATTRIBUTES];
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

  #state: ManagedChatKitState = 'idle';
  #error: ManagedChatKitError | null = null;
  #chatkit: OpenAIChatKit | null = null;
  #ready = false;
  /** The backend of the last option set built; the mounted ChatKit was built for `#mountedMode`. */
  #backend: Backend = { mode: 'hosted' };
  #mountedMode: Backend['mode'] | null = null;
  readonly #watchdog = new ReadinessWatchdog(() => this.#fail(this.#chatkitError(`did not fire chatkit.ready within ${this.timeout} ms (timeout attribute)`)));
  /** Thread to reopen when ChatKit is rebuilt (retry, reconnect) or remembered by `persist-thread`. */
  #threadId: string | null = null;
  /** Incremented on every start and disconnect: a late answer for an older run is dropped. */
  #run = 0;
  #loadAbort: AbortController | null = null;
  #stopWatching: (() => void) | null = null;
  #jsonObserver: MutationObserver | null = null;
  #started = false;
  #changesPredateError = false;
  #optionsDirty = false;
  /** Configuration input (a config property or the JSON child) changed since the last update: may fix a config error. */
  #configChanged = false;
  #queue: Array<{ run: (chatkit: OpenAIChatKit) => void; reject: (error: Error) => void }> = [];
  /** Teardown waiting for the end of the task that disconnected the element: a reconnect (a move) cancels it. */
  #pendingTeardown: ReturnType<typeof setTimeout> | null = null;
  /** Option content last sent to ChatKit, with stable function wrappers. */
  readonly #sentOptions = new StableOptions();
  readonly #warned = new Set<string>();
  #focusWasInPanel = false;
  readonly #colorScheme = new ColorSchemeController(this, () => {
    if (this.theme !== 'auto') return;
    this.#optionsDirty = true;
    this.requestUpdate();
  });
  readonly #session = new SessionClient(
    () => this.#sessionConfig(),
    (error) => this.#fail(error),
  );

  constructor() {
    super();
    this.apiUrl = null;
    this.domainKey = null;
    this.uploadUrl = null;
    this.apiFetch = undefined;
    this.startUrl = null;
    this.refreshUrl = null;
    this.workflowId = null;
    this.credentials = 'same-origin';
    this.scriptSrc = DEFAULT_SCRIPT_SRC;
    this.timeout = DEFAULT_TIMEOUT;
    this.theme = null;
    this.accentColor = null;
    this.locale = null;
    this.placeholder = null;
    this.greeting = null;
    this.frameTitle = null;
    this.initialThread = null;
    this.persistThread = null;
    this.loading = 'eager';
    this.launcher = false;
    this.open = false;
    this.options = undefined;
    this.clientToolEvents = false;
    this.widgetActionEvents = false;
    this.sessionHeaders = undefined;
  }

  /** Lifecycle state: `idle` (waiting for lazy/launcher intent), `loading`, `ready` or `error`. */
  get state(): ManagedChatKitState {
    return this.#state;
  }

  /** The last failure while `state` is `error`, else `null`. */
  get error(): ManagedChatKitErrorDetail | null {
    return this.#error?.toDetail() ?? null;
  }

  /** The inner `<openai-chatkit>` element, or `null` before it exists. */
  get chatkit(): OpenAIChatKit | null {
    return this.#chatkit;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Restored markup (Turbo's cache, htmx history) may carry a stale state="ready": the attribute tells the truth.
    this.#writeState();
    if (this.#pendingTeardown !== null) {
      // Moved (appended elsewhere, Turbo's data-turbo-permanent): keep ChatKit, its session and its draft.
      clearTimeout(this.#pendingTeardown);
      this.#pendingTeardown = null;
      return;
    }
    this.addEventListener('keydown', this.#onKeydown);
    this.#jsonObserver = new MutationObserver((records) => {
      if (!records.some(touchesJsonOptions)) return;
      this.#optionsDirty = this.#configChanged = true;
      this.requestUpdate();
    });
    this.#jsonObserver.observe(this, { childList: true, subtree: true, characterData: true });
    this.#started = false;
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Torn down after the current task, so a move (disconnect + connect in one task) keeps ChatKit as it is.
    if (this.#pendingTeardown !== null) return;
    this.#pendingTeardown = setTimeout(() => {
      this.#pendingTeardown = null;
      if (!this.isConnected) this.#teardown();
    });
  }

  /** `moveBefore` (Chromium 133+) moves the element without disconnecting it: nothing to do, ChatKit stays live. */
  connectedMoveCallback(): void {}

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'state' && value !== this.#state) {
      // Read-only: written back when markup morphing (idiomorph, Turbo 8) or a script changes or removes it.
      if (this.isConnected) this.#writeState();
    } else if (name === 'options' && old !== value) {
      this.#optionsDirty = this.#configChanged = true;
      this.requestUpdate();
    }
  }

  #writeState(): void {
    if (this.getAttribute('state') !== this.#state) this.setAttribute('state', this.#state);
  }

  /** Stops everything a connected element runs: requests, observers, ChatKit; queued method calls reject. */
  #teardown(): void {
    this.#run++;
    this.removeEventListener('keydown', this.#onKeydown);
    this.#jsonObserver?.disconnect();
    this.#jsonObserver = null;
    this.#stopWatching?.();
    this.#stopWatching = null;
    this.#loadAbort?.abort();
    this.#loadAbort = null;
    this.#session.abort();
    this.#unmountChatKit();
    this.#rejectQueue('<managed-chatkit> was removed from the page before ChatKit was ready');
  }

  /**
   * Leaves the `error` state and tries again from the failed phase: a fresh script tag, a fresh ChatKit (with a fresh
   * session in hosted mode; the open thread is kept), or the corrected configuration. Also restarts a load that seems stuck in
   * `loading`; does nothing while `idle` or `ready`.
   */
  retry(): void {
    if (!this.isConnected || this.#state === 'idle' || this.#state === 'ready') return;
    this.#rebuild();
  }

  /** Drops ChatKit and any session request, and starts a fresh attempt. */
  #rebuild(): void {
    this.#session.abort();
    this.#unmountChatKit();
    this.#begin();
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

  /**
   * The first update after connecting starts loading — before the first render, so the script and the secret are
   * already on the wire while Lit renders; after the code that connected the element (a framework's property
   * bindings included) has run, since Lit schedules updates in a microtask; and after Lit re-applied properties set
   * on the element before it was defined (React, Vue and Lit-style hosts do that).
   */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.#started && this.isConnected) {
      this.#started = true;
      this.#startWhenWanted();
    }
    const keys = [...changed.keys()];
    if (keys.some((key) => OPTION_PROPERTIES.has(key))) this.#optionsDirty = true;
    if (keys.some((key) => CONFIG_PROPERTIES.has(key))) this.#configChanged = true;
    if (changed.get('open') === true && !this.open) {
      const active = this.shadowRoot?.activeElement;
      this.#focusWasInPanel = !!active && !!this.renderRoot.querySelector('[part="panel"]')?.contains(active);
    }
  }

  protected override render() {
    const surface = html`<div class="surface">
      ${this.#chatkit ?? nothing}
      ${this.#state === 'error' ? this.#renderError() : this.#state !== 'ready' ? this.#renderLoading() : nothing}
    </div>`;
    if (!this.launcher) return surface;
    return html`<button
        part="launcher"
        type="button"
        aria-haspopup="dialog"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        aria-label=${this.open ? 'Close chat' : 'Open chat'}
        @click=${this.toggle}
        @pointerenter=${this.#warmUp}
        @focus=${this.#warmUp}
      >
        <slot name="launcher">${this.open ? closeIcon : chatIcon}</slot>
      </button>
      <div part="panel" id="panel" role="dialog" aria-label="Chat" ?hidden=${!this.open}>${surface}</div>`;
  }


  protected override updated(changed: PropertyValues<this>): void {
    const configFixable = this.#configChanged && !this.#changesPredateError;
    this.#configChanged = this.#changesPredateError = false;
    if (this.#focusWasInPanel) {
      this.#focusWasInPanel = false;
      this.renderRoot.querySelector<HTMLButtonElement>('[part="launcher"]')?.focus();
    }
    if (this.launcher && this.open && this.#state === 'idle' && changed.has('open')) {
      this.#afterUpdate(() => this.#startWhenWanted());
    } else if (configFixable && this.#state === 'error' && (this.#error?.phase === 'config' || this.#error?.phase === 'chatkit')) {
      // A changed domain-key or api-url may be the fix for a ChatKit that never became ready: build a fresh one.
      this.#afterUpdate(() => this.retry());
    }
    if (this.#optionsDirty && this.#chatkit) this.#applyOptions();
  }

  /** Runs `step` once this update has finished, so state changes start a fresh update rather than nest in this one. */
  #afterUpdate(step: () => void): void {
    const run = this.#run;
    queueMicrotask(() => {
      if (this.isConnected && run === this.#run) step();
    });
  }

  /** Starts now, or when the element nears the viewport (`loading="lazy"`), or on first open (`launcher`). */
  #startWhenWanted(): void {
    this.#stopWatching?.();
    this.#stopWatching = null;
    if (this.launcher && !this.open) return this.#setState('idle');
    if (inTurboPreview()) {
      // Turbo's cached preview is replaced by the fresh page in a moment: no script, no session for it.
      this.#setState('idle');
      this.#stopWatching = whenPreviewEnds(() => {
        this.#stopWatching = null;
        // The preview's own element is replaced by then (its teardown may still be pending): only a live one starts.
        if (this.isConnected) this.#startWhenWanted();
      });
      return;
    }
    if (this.loading === 'lazy' && !this.launcher) {
      this.#setState('idle');
      this.#stopWatching = whenNearViewport(this, () => {
        this.#stopWatching = null;
        this.#begin();
      });
      return;
    }
    this.#begin();
  }

  /** One attempt: check the configuration, fetch a secret and the script in parallel, then mount ChatKit. */
  async #begin(): Promise<void> {
    const run = ++this.#run;
    this.#error = null;
    this.#loadAbort?.abort();
    const abort = (this.#loadAbort = new AbortController());
    this.#setState('loading');
    try {
      const scriptUrl = this.#checkConfig();
      // Every attempt starts without a ChatKit: its first ask takes this answer. Custom mode warms its server instead.
      if (this.#backend.mode === 'hosted') this.#session.prefetch();
      else this.#preconnectApi();
      await loadChatKit(scriptUrl, { nonce: this.nonce || pageNonce(), timeout: this.timeout, signal: abort.signal });
      if (run !== this.#run) return;
      this.#mountChatKit();
    } catch (error) {
      if (run !== this.#run || abort.signal.aborted) return;
      this.#fail(ManagedChatKitError.from(error, 'script'));
    }
  }

  /** Validates everything that can be wrong before any request; throws a `config` error naming the attribute. */
  #checkConfig(): URL {
    if (!CREDENTIALS.includes(this.credentials)) {
      throw new ManagedChatKitError('config', `credentials="${this.credentials}" is not one of same-origin, include, omit.`, { retryable: false });
    }
    if (!Number.isFinite(this.timeout) || this.timeout <= 0) {
      throw new ManagedChatKitError('config', `timeout="${this.getAttribute('timeout')}" is not a positive number of milliseconds.`, { retryable: false });
    }
    if (this.loading !== 'eager' && this.loading !== 'lazy') {
      throw new ManagedChatKitError('config', `loading="${this.loading}" is not one of eager, lazy.`, { retryable: false });
    }
    this.#buildOptions(); // throws on a bad JSON child or theme
    return resolveScriptUrl(this.scriptSrc || DEFAULT_SCRIPT_SRC);
  }

  /** The complete option set, `api` included; decides `#backend` (throws a `config` error for a mix that cannot work). */
  #buildOptions(): ChatKitOptions {
    const child = this.querySelector<HTMLScriptElement>(':scope > script[type="application/json"]');
    const json = child ? parseOptionsJson(child.textContent ?? '') : undefined;
    const attributeText = this.getAttribute('options');
    // `[object Object]` next to a set property: a framework's write from before the upgrade; the property is the truth.
    const staleAttribute = this.options !== undefined && /^\[object \w+\]$/.test(attributeText?.trim() ?? '');
    const optionsAttribute = attributeText === null || staleAttribute ? undefined : parseOptionsAttribute(attributeText);
    const attachments = (this.options?.composer?.attachments?.enabled ?? optionsAttribute?.composer?.attachments?.enabled ?? json?.composer?.attachments?.enabled) === true;
    const { apiUrl, domainKey, uploadUrl, startUrl, refreshUrl, workflowId } = this;
    const backend = resolveBackend({
      apiUrl,
      domainKey,
      uploadUrl,
      startUrl,
      refreshUrl,
      workflowId,
      pageApi: [json?.api, optionsAttribute?.api, this.options?.api],
      attachments,
    });
    this.#backend = backend;
    const options = buildChatKitOptions({
      json,
      optionsAttribute,
      options: this.options,
      attributes: this,
      thread: this.#threadId ?? this.#threadStore()?.read(),
      prefersDark: this.#colorScheme.dark,
      api: backend.mode === 'hosted' ? this.#hostedApi : customApi(backend, this.apiFetch ?? backend.fetch ?? this.#apiFetch),
      warn: this.#warnOnce,
    });
    if (this.clientToolEvents && !options.onClientTool) options.onClientTool = this.#clientToolViaEvent;
    if (this.widgetActionEvents && !options.widgets?.onAction) options.widgets = { ...options.widgets, onAction: this.#widgetActionViaEvent };
    return options;
  }

  #mountChatKit(): void {
    const chatkit = document.createElement(CHATKIT_TAG) as OpenAIChatKit;
    chatkit.setAttribute('part', 'chatkit');
    for (const name of CHATKIT_EVENTS) chatkit.addEventListener(name, this.#onChatKitEvent);
    this.#chatkit = chatkit;
    this.#ready = false;
    this.#mountedMode = null;
    this.#sentOptions.reset();
    this.#applyOptions();
    if (this.#state === 'loading') this.#watchdog.start(this.timeout);
    this.requestUpdate();
  }

  #unmountChatKit(): void {
    const chatkit = this.#chatkit;
    if (!chatkit) return;
    for (const name of CHATKIT_EVENTS) chatkit.removeEventListener(name, this.#onChatKitEvent);
    chatkit.remove();
    this.#chatkit = null;
    this.#ready = false;
    this.#watchdog.stop();
    this.requestUpdate();
  }

  #applyOptions(): void {
    this.#optionsDirty = false;
    const chatkit = this.#chatkit;
    if (!chatkit) return;
    try {
      const options = this.#buildOptions();
      if (this.#mountedMode !== null && this.#mountedMode !== this.#backend.mode) {
        // ChatKit cannot switch between a hosted workflow and a custom server in place: build a new one.
        this.#afterUpdate(() => this.#rebuild());
        return;
      }
      this.#mountedMode = this.#backend.mode;
      // Only a change of content is sent: an equal new object (an inline literal re-rendered) sends nothing.
      const changed = this.#sentOptions.next(options);
      if (changed) chatkit.setOptions(changed);
    } catch (error) {
      this.#fail(ManagedChatKitError.from(error, 'config'));
    }
  }

  readonly #clientToolViaEvent = clientToolViaEvent(this);
  readonly #widgetActionViaEvent = widgetActionViaEvent(this);

  /** Hosted mode's `api`: one object for the element's life, so every `setOptions` hands ChatKit the same function. */
  readonly #hostedApi = {
    getClientSecret: async (current: string | null): Promise<string> => {
      const run = this.#run;
      const secret = await this.#watchdog.hold(this.#session.getClientSecret(current));
      // A secret that arrives after a session failure means ChatKit recovered by itself.
      if (run === this.#run && this.#state === 'error' && this.#error?.phase === 'session' && this.#ready) {
        this.#error = null; // `error` is documented as null outside the error state
        this.#setState('ready');
      }
      return secret;
    },
  };

  /**
   * Custom mode's default `api.fetch`: every ChatKit request carries `credentials` and `sessionHeaders` (ChatKit's own
   * headers win), read per request so changes apply at once.
   */
  readonly #apiFetch: typeof fetch = (input, init = {}) => {
    const headers = new Headers(this.sessionHeaders);
    new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => headers.set(name, value));
    return fetch(input, { ...init, headers, credentials: this.credentials });
  };

  /** A phase-`chatkit` error: what ChatKit did (`what`), then the usual causes for this page and backend. */
  #chatkitError(what: string): ManagedChatKitError {
    const backend = this.#backend;
    const custom = backend.mode === 'custom';
    return new ManagedChatKitError(
      'chatkit',
      `ChatKit was mounted but ${what}. Check that ${location.hostname} is on your OpenAI organization's domain allowlist` +
        (custom ? ` and that domain-key="${backend.domainKey}" is the key it shows for it` : ' (and, with api-url, that domain-key is its key)') +
        `; that this page's Content-Security-Policy allows ChatKit in frame-src and connect-src` +
        (custom ? `; and that the ChatKit server at api-url ${backend.url} is running.` : '.'),
      { retryable: true },
    );
  }

  readonly #onChatKitEvent = (event: Event): void => {
    if (event.currentTarget !== this.#chatkit) return;
    if (event.type === 'chatkit.ready') {
      this.#ready = true;
      this.#watchdog.stop();
      // A ChatKit that becomes ready after the watchdog gave up has recovered by itself.
      if (this.#state === 'error' && this.#error?.phase === 'chatkit') this.#error = null;
      if (this.#state === 'loading' || !this.#error) this.#setState('ready');
      this.#flushQueue();
    } else if (event.type === 'chatkit.error' && !this.#ready && this.#state === 'loading') {
      // Before ready, ChatKit's own UI may show nothing: the element's error view takes over. (A session failure is
      // already reported by then and leaves the state `error`.)
      const reason = (event as CustomEvent<{ error?: unknown } | undefined>).detail?.error;
      this.#fail(this.#chatkitError(`fired chatkit.error before chatkit.ready (${reason instanceof Error ? reason.message : String(reason)})`));
    } else if (event.type === 'chatkit.thread.change') {
      this.#threadId = (event as CustomEvent<{ threadId: string | null }>).detail?.threadId ?? null;
      this.#threadStore()?.write(this.#threadId);
    }
    forwardChatKitEvent(this, event);
  };

  #threadStore(): ThreadStore | null {
    if (this.persistThread === null || this.persistThread === 'false') return null;
    const backend = this.#backend;
    return new ThreadStore(ThreadStore.keyFor(this.persistThread, backend.mode === 'custom' ? backend.url : (this.startUrl ?? DEFAULT_START_URL)));
  }

  #sessionConfig(): SessionConfig {
    const startUrl = this.startUrl || DEFAULT_START_URL;
    return {
      startUrl,
      refreshUrl: this.refreshUrl || (this.startUrl ? this.startUrl : DEFAULT_REFRESH_URL),
      workflowId: this.workflowId || undefined,
      credentials: this.credentials,
      headers: this.sessionHeaders,
      timeout: this.timeout,
    };
  }

  readonly #warnOnce = (message: string): void => {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    console.warn(`<managed-chatkit> ${message}`);
  };

  /** The one place a failure becomes state, event, console line and view. */
  #fail(error: ManagedChatKitError): void {
    if (!this.isConnected) return;
    // Changes already waiting for the next update were made before this failure: they must not count as its fix.
    this.#changesPredateError = this.isUpdatePending;
    this.#watchdog.stop();
    this.#error = error;
    this.#setState('error');
    this.#rejectQueue(`ChatKit failed to start (${error.phase} error: ${error.message}); call it again after retry()`);
    const event = new CustomEvent<ManagedChatKitErrorDetail>('managed-chatkit-error', {
      detail: error.toDetail(),
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    if (this.dispatchEvent(event)) console.warn(`<managed-chatkit> ${error.phase} error: ${error.message}`);
  }

  #setState(state: ManagedChatKitState): void {
    const previous = this.#state;
    if (state === previous) return;
    this.#state = state;
    this.setAttribute('state', state);
    this.requestUpdate();
    this.dispatchEvent(new CustomEvent<StateChangeDetail>('managed-chatkit-statechange', { detail: { state, previous }, bubbles: true, composed: true }));
  }

  #call<M extends ChatKitMethod>(method: M, args: Parameters<OpenAIChatKit[M]>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const run = (chatkit: OpenAIChatKit) => {
        try {
          (chatkit[method] as (...a: unknown[]) => Promise<void>)(...args).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      };
      if (this.#chatkit && this.#ready) run(this.#chatkit);
      else this.#queue.push({ run, reject: (error) => reject(new Error(`${method}() was not run: ${error.message}.`, { cause: error })) });
    });
  }

  #flushQueue(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const { run } of queue) run(this.#chatkit!);
  }

  /** Settles every queued method call with an error saying why ChatKit will not run it. */
  #rejectQueue(reason: string): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const { reject } of queue) reject(new Error(reason));
  }

  readonly #warmUp = (): void => {
    try {
      preconnect(resolveScriptUrl(this.scriptSrc || DEFAULT_SCRIPT_SRC));
      this.#buildOptions();
      this.#preconnectApi();
    } catch {
      // a bad configuration is reported when the panel opens
    }
  };

  /** Custom mode: warms the connection to `api-url`'s origin (cookies or not, as its requests will be). */
  #preconnectApi(): void {
    if (this.#backend.mode === 'custom') preconnect(new URL(this.#backend.url, document.baseURI), this.credentials === 'include');
  }

  /** Escape closes the launcher panel (from the button or the panel) and focus returns to the button. */
  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.launcher || !this.open) return;
    event.stopPropagation();
    this.#focusWasInPanel = true;
    this.hide();
  };

  #renderLoading() {
    return html`<div class="overlay" aria-busy="true">
      <slot name="loading"><div class="spinner" role="status" aria-label="Loading chat"></div></slot>
    </div>`;
  }

  #renderError() {
    return html`<div class="overlay" part="error" role="alert">
      <slot name="error">
        <p>${this.#error?.message ?? 'The chat could not start.'}</p>
        <button part="retry-button" type="button" @click=${this.retry}>Retry</button>
      </slot>
    </div>`;
  }
}

/** Whether a mutation inside the element concerns its `<script type="application/json">` options. */
function touchesJsonOptions(record: MutationRecord): boolean {
  const isJson = (node: Node | null): boolean =>
    node instanceof Element ? node.matches('script[type="application/json"]') : !!node?.parentElement?.matches('script[type="application/json"]');
  return isJson(record.target) || [...record.addedNodes, ...record.removedNodes].some(isJson);
}

const chatIcon = html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
  <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z" />
</svg>`;
const closeIcon = html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
  <path d="M6 6l12 12M18 6L6 18" />
</svg>`;
