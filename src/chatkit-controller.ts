import type { ChatKitOptions, OpenAIChatKit } from '@openai/chatkit';
import { customApi, resolveBackend, type Backend } from './backend.js';
import { buildChatKitOptions, parseOptionsAttribute, parseOptionsJson, type Warn } from './chatkit-options.js';
import { CHATKIT_EVENTS } from './chatkit-events.js';
import { ElementView } from './element-view.js';
import { forwardChatKitEvent } from './forward-event.js';
import { inTurboPreview } from './in-turbo-preview.js';
import { ManagedChatKitError, reasonOf, unworded, type ManagedChatKitErrorDetail, type Reason } from './errors.js';
import type { FailureFacts } from './failure-messages.js';
import type { HeadStart } from './head-start.js';
import type { Launcher as LauncherView } from './launcher.js';
import { Launcher, loadLauncher, type ManagedChatKit, type ManagedChatKitState, type StateChangeDetail } from './managed-chatkit.js';
import { StableOptions } from './options-equality.js';
import { ReadinessWatchdog } from './readiness-watchdog.js';
import { load, loaded, need, NeedsChunks, withChunks } from './on-demand.js';
import { CHATKIT_TAG, DEFAULT_SCRIPT_SRC, loadChatKit, pageNonce, preconnect } from './script-loader.js';
import type { SessionClient } from './session-client.js';
import { DEFAULT_START_URL, sendSessionRequest, sessionConfigOf } from './session-request.js';
import { checkUrl, scriptSrcName } from './url-check.js';

/** ChatKit's methods that `<managed-chatkit>` proxies, queued until ChatKit is ready. */
export type ChatKitMethod =
  | 'focusComposer'
  | 'setThreadId'
  | 'sendUserMessage'
  | 'setComposerValue'
  | 'fetchUpdates'
  | 'sendCustomAction'
  | 'showHistory'
  | 'hideHistory';

/** Properties whose change means a new `setOptions`. */
const OPTION_PROPERTIES = new Set<string>([
  'options',
  'options attribute',
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
const CONFIG_PROPERTIES = new Set<string>([...OPTION_PROPERTIES, 'scriptSrc', 'credentials', 'loading', 'startUrl', 'refreshUrl', 'workflowId']);

const CREDENTIALS: readonly RequestCredentials[] = ['same-origin', 'include', 'omit'];

/**
 * Everything `<managed-chatkit>` does once its first stage has started the script and the session: checks the
 * configuration, builds ChatKit's options, mounts ChatKit and watches it become ready, renders the loading and error
 * views, and turns every failure into state, event, console line and view. The element forwards its lifecycle here.
 *
 * Phases of one start: wanted? (`idle` until lazy or launcher intent, or a Turbo preview ends) → `loading` (configuration
 * checked; secret and script in parallel; ChatKit mounted; readiness watched) → `ready`, or `error` from any phase.
 */
export class ChatKitController {
  readonly #host: ManagedChatKit;
  readonly #view: ElementView;
  #launcher: LauncherView | null = null;
  #state: ManagedChatKitState = 'idle';
  #error: ManagedChatKitError | null = null;
  #chatkit: OpenAIChatKit | null = null;
  #ready = false;
  /** The backend of the last option set built; the mounted ChatKit was built for `#mountedMode`. */
  #backend: Backend = { mode: 'hosted' };
  #mountedMode: Backend['mode'] | null = null;
  readonly #watchdog = new ReadinessWatchdog(() => this.#fail(this.#chatkitError('notReady', this.#host.timeout)));
  /** Thread to reopen when ChatKit is rebuilt (retry, reconnect) or remembered by `persist-thread`. */
  #threadId: string | null = null;
  /** Incremented on every start and teardown: a late answer for an older run is dropped. */
  #run = 0;
  #loadAbort: AbortController | null = null;
  #stopWatching: (() => void) | null = null;
  #jsonObserver: MutationObserver | null = null;
  #optionsDirty = false;
  /** A failure was reported while changes were waiting for an update: they were made before it, so cannot be its fix. */
  #changesPredateError = false;
  #queue: Array<{ run: (chatkit: OpenAIChatKit) => void; reject: (error: Error) => void }> = [];
  /** Option content last sent to ChatKit, with stable function wrappers. */
  readonly #sentOptions = new StableOptions();
  readonly #warned = new Set<string>();
  /** A failure whose wording is being fetched (its first): reported once that is in, forgotten by a new attempt or a teardown. */
  #failing: ManagedChatKitError | null = null;
  /** `theme="auto"`: follows `prefers-color-scheme` while connected (its chunk fetched with the options). */
  #colorScheme: import('./color-scheme.js').ColorScheme | null = null;
  /** Hosted mode's session client: its chunk is fetched by the first hosted attempt (custom mode never needs it). */
  #session: SessionClient | null = null;

  constructor(host: ManagedChatKit) {
    this.#host = host;
    this.#view = new ElementView(host.shadowRoot!, () => host.retry());
  }

  get state(): ManagedChatKitState {
    return this.#state;
  }

  get error(): ManagedChatKitErrorDetail | null {
    return this.#error?.toDetail() ?? null;
  }

  get chatkit(): OpenAIChatKit | null {
    return this.#chatkit;
  }

  /**
   * Reacts to the properties that changed since the last update. `start`: the element (re)connected, and `early` is
   * what its first stage already started.
   */
  update(changed: ReadonlySet<string>, start: boolean, early: HeadStart | undefined): void {
    const host = this.#host;
    if (start) this.#connect(early);
    const keys = [...changed];
    if (keys.some((key) => OPTION_PROPERTIES.has(key))) this.#optionsDirty = true;
    // A change made before a failure was reported cannot be its fix; one made since may be.
    const configFixable = !start && !this.#changesPredateError && keys.some((key) => CONFIG_PROPERTIES.has(key));
    this.#changesPredateError = false;
    // A failure reported, or one whose wording is still being fetched.
    const failure = this.#state === 'error' ? this.#error : this.#failing;
    if (changed.has('launcher') || (start && host.launcher)) this.#renderLauncher();
    this.#launcher?.render(host.open);
    if (host.launcher && host.open && this.#state === 'idle' && changed.has('open')) {
      this.#startWhenWanted();
    } else if (configFixable && (failure?.phase === 'config' || failure?.phase === 'chatkit')) {
      // A changed domain-key or api-url may be the fix for a ChatKit that never became ready: build a fresh one.
      this.retry();
    }
    if (this.#optionsDirty && this.#chatkit) this.#applyOptions();
  }

  /** Connected (not moved): observe the JSON child and the color scheme, and start when wanted. */
  #connect(early: HeadStart | undefined): void {
    const host = this.#host;
    this.#jsonObserver = new MutationObserver((records) => {
      if (!records.some(touchesJsonOptions)) return;
      host.requestUpdate('options');
    });
    this.#jsonObserver.observe(host, { childList: true, subtree: true, characterData: true });
    this.#colorScheme?.start();
    this.#startWhenWanted(early);
  }

  /** Stops everything a connected element runs: requests, observers, ChatKit; queued method calls reject. */
  teardown(): void {
    this.#run++;
    this.#failing = null;
    this.#jsonObserver?.disconnect();
    this.#jsonObserver = null;
    this.#colorScheme?.stop();
    this.#stopWatching?.();
    this.#stopWatching = null;
    this.#loadAbort?.abort();
    this.#loadAbort = null;
    this.#session?.abort();
    this.#unmountChatKit();
    this.#rejectQueue('<managed-chatkit> was removed from the page before ChatKit was ready');
  }

  /** See `ManagedChatKit.retry`. */
  retry(): void {
    if (!this.#host.isConnected || this.#state === 'idle' || this.#state === 'ready') return;
    this.#rebuild();
  }

  /** Drops ChatKit and any session request, and starts a fresh attempt. */
  #rebuild(): void {
    this.#session?.abort();
    this.#unmountChatKit();
    this.#begin();
  }

  /** Builds or removes the launcher's button and panel (its code is fetched on first use). */
  #renderLauncher(): void {
    const host = this.#host;
    if (!host.launcher) {
      this.#launcher?.dispose();
      this.#launcher = null;
      return;
    }
    if (this.#launcher) return;
    if (!Launcher) {
      // `launcher` was set after the element started: fetch its code, then update again.
      loadLauncher().then(
        () => host.requestUpdate('launcher'),
        (error: unknown) => this.#fail(ManagedChatKitError.from(error, 'script')),
      );
      return;
    }
    this.#launcher = new Launcher(host, host.shadowRoot!, this.#view.surface, this.#warmUp);
  }

  /** Starts now, or when the element nears the viewport (`loading="lazy"`), or on first open (`launcher`). */
  #startWhenWanted(early?: HeadStart): void {
    const host = this.#host;
    this.#stopWatching?.();
    this.#stopWatching = null;
    if (host.launcher && !host.open) return this.#setState('idle');
    if (inTurboPreview()) {
      // Turbo's cached preview is replaced by the fresh page in a moment: no script, no session for it.
      this.#setState('idle');
      this.#watch('turboPreview', () =>
        loaded.turboPreview!.whenPreviewEnds(() => {
          this.#stopWatching = null;
          // The preview's own element is replaced by then (its teardown may still be pending): only a live one starts.
          if (host.isConnected) this.#startWhenWanted();
        }),
      );
      return;
    }
    if (host.loading === 'lazy' && !host.launcher) {
      this.#setState('idle');
      this.#watch('nearViewport', () =>
        loaded.nearViewport!.whenNearViewport(host, () => {
          this.#stopWatching = null;
          this.#begin();
        }),
      );
      return;
    }
    this.#begin(early);
  }

  /** Starts watching (`watch` returns how to stop) once the chunk that knows how has arrived — unless the run moved on. */
  #watch(chunk: 'turboPreview' | 'nearViewport', watch: () => () => void): void {
    const run = this.#run;
    load([chunk]).then(
      () => {
        if (run === this.#run && this.#host.isConnected && this.#state === 'idle') this.#stopWatching = watch();
      },
      (error: unknown) => this.#fail(ManagedChatKitError.from(error, 'script')),
    );
  }

  /** One attempt: check the configuration, fetch a secret and the script in parallel, then mount ChatKit. */
  async #begin(early?: HeadStart): Promise<void> {
    const host = this.#host;
    const run = ++this.#run;
    this.#error = null;
    this.#failing = null;
    this.#loadAbort?.abort();
    const abort = (this.#loadAbort = new AbortController());
    this.#setState('loading');
    try {
      const scriptUrl = await withChunks(() => this.#checkConfig());
      if (run !== this.#run) return early?.session?.abort();
      // Every attempt starts without a ChatKit: its first ask takes this answer. Custom mode warms its server instead.
      let session: Promise<void> | undefined;
      if (this.#backend.mode === 'hosted') {
        // The start request leaves now (or left as the element connected); the session client adopts it once in.
        const started = early?.session ?? sendSessionRequest(sessionConfigOf(host), null);
        session = this.#sessionClient().then(
          (client) => client.prefetch(started),
          (error: unknown) => {
            started.abort();
            throw error;
          },
        );
      } else {
        early?.session?.abort();
        this.#preconnectApi();
      }
      await Promise.all([loadChatKit(scriptUrl, { nonce: host.nonce || pageNonce(), timeout: host.timeout, signal: abort.signal }), session]);
      if (host.launcher) await loadLauncher(); // ChatKit goes straight into the panel: moving its frame would reload it
      if (run !== this.#run) return;
      this.#mountChatKit();
    } catch (error) {
      early?.session?.abort();
      if (run !== this.#run || abort.signal.aborted) return;
      this.#fail(ManagedChatKitError.from(error, 'script'));
    }
  }

  /** Hosted mode's session client, once its chunk is in. */
  async #sessionClient(): Promise<SessionClient> {
    await load(['session']);
    return (this.#session ??= new loaded.session!.SessionClient(
      () => sessionConfigOf(this.#host),
      (error) => this.#fail(error),
    ));
  }

  /** Validates everything that can be wrong before any request; throws a `config` error naming the attribute. */
  #checkConfig(): URL {
    const host = this.#host;
    if (!CREDENTIALS.includes(host.credentials)) {
      throw ManagedChatKitError.because('config', 'credentials', [host.credentials], { retryable: false });
    }
    if (!Number.isFinite(host.timeout) || host.timeout <= 0) {
      throw ManagedChatKitError.because('config', 'timeout', [host.getAttribute('timeout')], { retryable: false });
    }
    if (host.loading !== 'eager' && host.loading !== 'lazy') {
      throw ManagedChatKitError.because('config', 'loading', [host.loading], { retryable: false });
    }
    this.#buildOptions(); // throws on a bad JSON child or theme
    const src = host.scriptSrc || DEFAULT_SCRIPT_SRC;
    return checkUrl('script', src, scriptSrcName(src));
  }

  /** The complete option set, `api` included; decides `#backend` (throws a `config` error for a mix that cannot work). */
  #buildOptions(): ChatKitOptions {
    const host = this.#host;
    const child = host.querySelector<HTMLScriptElement>(':scope > script[type="application/json"]');
    const json = child ? parseOptionsJson(child.textContent ?? '') : undefined;
    const attributeText = host.getAttribute('options');
    // `[object Object]` next to a set property: a framework's write from before the upgrade; the property is the truth.
    const staleAttribute = host.options !== undefined && /^\[object \w+\]$/.test(attributeText?.trim() ?? '');
    const optionsAttribute = attributeText === null || staleAttribute ? undefined : parseOptionsAttribute(attributeText);
    const attachments = (host.options?.composer?.attachments?.enabled ?? optionsAttribute?.composer?.attachments?.enabled ?? json?.composer?.attachments?.enabled) === true;
    // What these settings need beyond the default embed is fetched first (see src/on-demand.ts).
    if (host.locale || json?.locale || optionsAttribute?.locale || host.options?.locale) need('locale');
    if (this.#persisting) need('threadStore');
    if (host.clientToolEvents || host.widgetActionEvents) need('clientEvents');
    if (host.theme === 'auto') {
      need('colorScheme');
      this.#colorScheme ??= new loaded.colorScheme!.ColorScheme(() => {
        if (this.#host.theme !== 'auto') return;
        this.#optionsDirty = true;
        this.#host.requestUpdate();
      });
      if (host.isConnected) this.#colorScheme.start();
    }
    const { apiUrl, domainKey, uploadUrl, startUrl, refreshUrl, workflowId } = host;
    const backend = resolveBackend({
      apiUrl,
      domainKey,
      uploadUrl,
      startUrl,
      refreshUrl,
      workflowId,
      pageApi: [json?.api, optionsAttribute?.api, host.options?.api],
      attachments,
    });
    this.#backend = backend;
    const options = buildChatKitOptions({
      json,
      optionsAttribute,
      options: host.options,
      attributes: host,
      thread: this.#threadId ?? this.#threadStore()?.read(),
      prefersDark: !!this.#colorScheme?.dark,
      nearestLocale: loaded.locale?.nearestSupportedLocale,
      api: backend.mode === 'hosted' ? this.#hostedApi : customApi(backend, host.apiFetch ?? backend.fetch ?? this.#apiFetch),
      warn: this.#warnOnce,
    });
    if (host.clientToolEvents && !options.onClientTool) options.onClientTool = this.#clientToolViaEvent;
    if (host.widgetActionEvents && !options.widgets?.onAction) options.widgets = { ...options.widgets, onAction: this.#widgetActionViaEvent };
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
    if (this.#state === 'loading') this.#watchdog.start(this.#host.timeout);
    this.#render();
  }

  #unmountChatKit(): void {
    const chatkit = this.#chatkit;
    if (!chatkit) return;
    for (const name of CHATKIT_EVENTS) chatkit.removeEventListener(name, this.#onChatKitEvent);
    chatkit.remove();
    this.#chatkit = null;
    this.#ready = false;
    this.#watchdog.stop();
    this.#render();
  }

  #applyOptions(): void {
    this.#optionsDirty = false;
    const chatkit = this.#chatkit;
    if (!chatkit) return;
    try {
      const options = this.#buildOptions();
      if (this.#mountedMode !== null && this.#mountedMode !== this.#backend.mode) {
        // ChatKit cannot switch between a hosted workflow and a custom server in place: build a new one.
        this.#rebuild();
        return;
      }
      this.#mountedMode = this.#backend.mode;
      // Only a change of content is sent: an equal new object (an inline literal re-rendered) sends nothing.
      const changed = this.#sentOptions.next(options);
      if (changed) chatkit.setOptions(changed);
    } catch (error) {
      if (error instanceof NeedsChunks) {
        // A setting that needs a chunk of its own: fetch it, then apply the options again.
        load(error.names).then(
          () => {
            this.#optionsDirty = true;
            this.#host.requestUpdate();
          },
          (failure: unknown) => this.#fail(ManagedChatKitError.from(failure, 'script')),
        );
        return;
      }
      this.#fail(ManagedChatKitError.from(error, 'config'));
    }
  }

  // Fetched with the options whenever `client-tool-events` or `widget-action-events` is set (see #buildOptions).
  readonly #clientToolViaEvent: NonNullable<ChatKitOptions['onClientTool']> = (call) => loaded.clientEvents!.clientToolViaEvent(this.#host)(call);
  readonly #widgetActionViaEvent: NonNullable<NonNullable<ChatKitOptions['widgets']>['onAction']> = (action, item) => loaded.clientEvents!.widgetActionViaEvent(this.#host)(action, item);

  /** Hosted mode's `api`: one object for the element's life, so every `setOptions` hands ChatKit the same function. */
  readonly #hostedApi = {
    getClientSecret: async (current: string | null): Promise<string> => {
      const run = this.#run;
      const secret = await this.#watchdog.hold(this.#session!.getClientSecret(current));
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
    const headers = new Headers(this.#host.sessionHeaders);
    new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => headers.set(name, value));
    return fetch(input, { ...init, headers, credentials: this.#host.credentials });
  };

  /** A phase-`chatkit` error: what ChatKit did (its wording adds the usual causes for this page and backend). */
  #chatkitError<R extends 'notReady' | 'errorBeforeReady'>(reason: R, what: FailureFacts[R][0]): ManagedChatKitError {
    const backend = this.#backend;
    const setup = backend.mode === 'custom' ? [backend.domainKey, backend.url] : [null, null];
    return ManagedChatKitError.because('chatkit', reason, [what, ...setup] as FailureFacts[R], { retryable: true });
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
      this.#fail(this.#chatkitError('errorBeforeReady', reason instanceof Error ? reason.message : String(reason)));
    } else if (event.type === 'chatkit.thread.change') {
      this.#threadId = (event as CustomEvent<{ threadId: string | null }>).detail?.threadId ?? null;
      this.#threadStore()?.write(this.#threadId);
    }
    forwardChatKitEvent(this.#host, event);
  };

  /** `persist-thread` is on. */
  get #persisting(): boolean {
    const { persistThread } = this.#host;
    return persistThread !== null && persistThread !== 'false';
  }

  /** Where `persist-thread` keeps the thread (its chunk is fetched with the options), or `null` when it is off. */
  #threadStore(): import('./thread-store.js').ThreadStore | null {
    const store = loaded.threadStore;
    if (!this.#persisting || !store) return null;
    const backend = this.#backend;
    return new store.ThreadStore(store.ThreadStore.keyFor(this.#host.persistThread!, backend.mode === 'custom' ? backend.url : (this.#host.startUrl ?? DEFAULT_START_URL)));
  }

  readonly #warnOnce: Warn = (reason, facts) => {
    const key = JSON.stringify([reason, facts]);
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    wordingOf(reasonOf(reason, facts)).then((warning) => console.warn(`<managed-chatkit> ${warning}`));
  };

  /**
   * The one place a failure becomes state, event, console line and view — once its wording is in (fetched on the
   * first failure), unless the element has moved on by then: removed, restarted, or ready after all. While that first
   * wording is fetched the failure counts as reported: what fails after it (ChatKit's own error for a secret that never
   * came) is its consequence, as it is once the state is `error`.
   */
  #fail(error: ManagedChatKitError): void {
    const host = this.#host;
    if (!host.isConnected || this.#failing) return;
    const changesPredateError = host.isUpdatePending;
    this.#watchdog.stop();
    if (error.reason && !loaded.failureMessages) {
      this.#failing = error;
      worded(error).then(() => {
        if (this.#failing !== error) return; // a new attempt or a teardown came first
        this.#failing = null;
        if (!host.isConnected || (error.phase === 'chatkit' && this.#ready)) return;
        this.#report(error, changesPredateError);
      });
    } else this.#report(error, changesPredateError);
  }

  /** `error`, worded, as state, event, console line and view. */
  #report(error: ManagedChatKitError, changesPredateError: boolean): void {
    this.#changesPredateError = changesPredateError;
    this.#error = error;
    this.#setState('error');
    this.#render(); // a new message in the same state
    this.#rejectQueue(`ChatKit failed to start (${error.phase} error: ${error.message}); call it again after retry()`);
    const event = new CustomEvent<ManagedChatKitErrorDetail>('managed-chatkit-error', {
      detail: error.toDetail(),
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    if (this.#host.dispatchEvent(event)) console.warn(`<managed-chatkit> ${error.phase} error: ${error.message}`);
  }

  #setState(state: ManagedChatKitState): void {
    const previous = this.#state;
    if (state === previous) return;
    this.#state = state;
    this.#host.setAttribute('state', state);
    this.#render();
    this.#host.dispatchEvent(new CustomEvent<StateChangeDetail>('managed-chatkit-statechange', { detail: { state, previous }, bubbles: true, composed: true }));
  }

  #render(): void {
    const state = this.#state;
    this.#view.render({
      chatkit: this.#chatkit,
      overlay: state === 'error' ? 'error' : state === 'ready' ? null : 'loading',
      message: this.#error?.message,
    });
  }

  call<M extends ChatKitMethod>(method: M, args: Parameters<OpenAIChatKit[M]>): Promise<void> {
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
      const src = this.#host.scriptSrc || DEFAULT_SCRIPT_SRC;
      preconnect(checkUrl('script', src, scriptSrcName(src)));
      this.#buildOptions();
      this.#preconnectApi();
    } catch {
      // a bad configuration is reported when the panel opens
    }
  };

  /** Custom mode: warms the connection to `api-url`'s origin (cookies or not, as its requests will be). */
  #preconnectApi(): void {
    if (this.#backend.mode === 'custom') preconnect(new URL(this.#backend.url, document.baseURI), this.#host.credentials === 'include');
  }
}

/** Whether a mutation inside the element concerns its `<script type="application/json">` options. */
function touchesJsonOptions(record: MutationRecord): boolean {
  const isJson = (node: Node | null): boolean =>
    node instanceof Element ? node.matches('script[type="application/json"]') : !!node?.parentElement?.matches('script[type="application/json"]');
  return isJson(record.target) || [...record.addedNodes, ...record.removedNodes].some(isJson);
}

/** The message for `reason`, fetching the wording first; if it cannot be fetched, the reason and its facts stand in. */
async function wordingOf(reason: Reason): Promise<string> {
  try {
    await load(['failureMessages']);
    return loaded.failureMessages!.wording(reason);
  } catch {
    return unworded(reason);
  }
}

/** `error` with its message worded (see `ManagedChatKitError.because`). */
async function worded(error: ManagedChatKitError): Promise<ManagedChatKitError> {
  if (error.reason) error.message = await wordingOf(error.reason);
  return error;
}
