/**
 * Parts of the element only some pages need, each a chunk of its own, fetched before the options or the step that
 * uses it: the default embed carries none of them.
 */
const chunks = {
  /** Hosted mode (Agent Builder workflows): the session client that answers ChatKit's `getClientSecret`. */
  session: () => import('./session-client.js'),
  /** `locale`: the table of locales ChatKit supports. */
  locale: () => import('./locale.js'),
  /** `persist-thread`. */
  threadStore: () => import('./thread-store.js'),
  /** `client-tool-events`, `widget-action-events`. */
  clientEvents: () => import('./client-events.js'),
  /** `theme="auto"`. */
  colorScheme: () => import('./color-scheme.js'),
  /** `loading="lazy"`. */
  nearViewport: () => import('./near-viewport.js'),
  /** Waiting out a Turbo preview. */
  turboPreview: () => import('./turbo-preview.js'),
  /** A URL on an origin only a `<meta>` allowlist could allow, or one to refuse with its reason. */
  urlPolicy: () => import('./url-policy.js'),
  /** The wording of failures and warnings: fetched on the first one. */
  failureMessages: () => import('./failure-messages.js'),
};

export type OnDemand = keyof typeof chunks;

/** The chunks fetched so far, by name. */
export const loaded: { -readonly [Name in OnDemand]?: Awaited<ReturnType<(typeof chunks)[Name]>> } = {};

/** Thrown by a synchronous step that needs chunks not yet fetched: fetch them with {@link load}, then run it again. */
export class NeedsChunks extends Error {
  constructor(readonly names: OnDemand[]) {
    super(`needs ${names.join(', ')}`);
  }
}

/** Throws {@link NeedsChunks} for the names among `names` not fetched yet. */
export function need(...names: OnDemand[]): void {
  const missing = names.filter((name) => !loaded[name]);
  if (missing.length) throw new NeedsChunks(missing);
}

/** Fetches the named chunks (each once). */
export async function load(names: OnDemand[]): Promise<void> {
  await Promise.all(names.map(async (name) => ((loaded as Record<OnDemand, unknown>)[name] ??= await chunks[name]())));
}

/** Runs `step`, fetching whatever chunks it turns out to need first (each at most once), and returns its result. */
export async function withChunks<T>(step: () => T): Promise<T> {
  for (;;) {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof NeedsChunks)) throw error;
      await load(error.names);
    }
  }
}
