import type { ChatKitOptions, SupportedLocale, ThemeOption } from '@openai/chatkit';
import type { PageApiConfig } from './backend.js';
import { CHATKIT_EVENTS, type ChatKitEventName } from './chatkit-events.js';
import { ManagedChatKitError } from './errors.js';
import type { FailureFacts } from './failure-messages.js';

/**
 * ChatKit's options as a page supplies them. `api` may only describe your own ChatKit server (`url`, `domainKey`,
 * `uploadStrategy`, and `fetch` from code); the element builds the `api` ChatKit gets.
 */
export type ChatKitOptionsInput = Omit<ChatKitOptions, 'api'> & { api?: PageApiConfig };

/** The `theme` attribute: ChatKit's color schemes plus `auto` (follows `prefers-color-scheme`). */
export type ThemeAttribute = 'light' | 'dark' | 'auto';

/** Options set through individual attributes; `undefined` means "not set", so lower layers show through. */
export interface OptionAttributes {
  theme?: string | null;
  accentColor?: string | null;
  locale?: string | null;
  placeholder?: string | null;
  greeting?: string | null;
  frameTitle?: string | null;
  initialThread?: string | null;
}

export interface OptionLayers {
  /** Parsed JSON child (lowest precedence). */
  json?: ChatKitOptionsInput;
  /** The `options` attribute, parsed (between the JSON child and the property). */
  optionsAttribute?: ChatKitOptionsInput;
  /** The `options` property. */
  options?: ChatKitOptionsInput;
  /** Individual attributes (highest precedence among page settings). */
  attributes: OptionAttributes;
  /** A thread to reopen (remembered by `persist-thread` or kept across a rebuild); wins over every layer. */
  thread?: string | null;
  /** Whether `prefers-color-scheme: dark` matches now (for `theme="auto"`). */
  prefersDark: boolean;
  api: ChatKitOptions['api'];
  /** Maps a locale to the nearest one ChatKit supports (src/locale.ts, fetched when a locale is set). */
  nearestLocale?: (tag: string) => SupportedLocale | null;
  /** Told about settings that cannot work as given (an unsupported locale, a React-style `on…` handler). */
  warn?: Warn;
}

/** Reports a setting that cannot work as given, by its reason (worded by src/failure-messages.ts). */
export type Warn = <R extends 'unsupportedLocale' | 'reactHandler'>(reason: R, facts: FailureFacts[R]) => void;

/** Keys never copied from page-supplied JSON. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const THEMES: readonly ThemeAttribute[] = ['light', 'dark', 'auto'];

/**
 * Builds the complete option set for `setOptions` — ChatKit replaces rather than merges, so every call carries
 * everything. Precedence: JSON child < `options` property < attributes; plain objects merge deeply, anything else
 * (arrays, functions, strings) replaces.
 */
export function buildChatKitOptions(layers: OptionLayers): ChatKitOptions {
  const { attributes: a } = layers;
  const merged = [layers.json, layers.optionsAttribute, layers.options].reduce<Record<string, unknown>>((target, layer) => deepMerge(target, pageLayer(layer, layers.warn)), {}) as ChatKitOptionsInput;

  if (a.theme) {
    if (!THEMES.includes(a.theme as ThemeAttribute)) {
      throw ManagedChatKitError.because('config', 'theme', [a.theme], { retryable: false });
    }
    const colorScheme = a.theme === 'auto' ? (layers.prefersDark ? 'dark' : 'light') : (a.theme as 'light' | 'dark');
    merged.theme = { ...themeObject(merged.theme), colorScheme };
  }
  if (a.accentColor) {
    const theme = themeObject(merged.theme);
    const accent = theme.color?.accent;
    merged.theme = { ...theme, color: { ...theme.color, accent: { level: 1, ...accent, primary: a.accentColor } } };
  }
  if (a.locale) merged.locale = a.locale as ChatKitOptions['locale'];
  if (merged.locale) {
    const nearest = layers.nearestLocale?.(merged.locale);
    if (nearest) merged.locale = nearest;
    else if (layers.nearestLocale) layers.warn?.('unsupportedLocale', [merged.locale]);
  }
  if (a.placeholder) merged.composer = { ...merged.composer, placeholder: a.placeholder };
  if (a.greeting) merged.startScreen = { ...merged.startScreen, greeting: a.greeting };
  if (a.frameTitle) merged.frameTitle = a.frameTitle;
  if (a.initialThread) merged.initialThread = a.initialThread;
  if (layers.thread) merged.initialThread = layers.thread;

  return { ...merged, api: layers.api };
}

/**
 * Parses the JSON child's text (`where`: or the `options` attribute's). Invalid JSON, or JSON that is not an object, is
 * a `config` error naming the problem.
 */
export function parseOptionsJson(text: string, where: 'child' | 'attribute' = 'child'): ChatKitOptionsInput | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw ManagedChatKitError.because('config', 'invalidJson', [where, (error as Error).message], { retryable: false, cause: error });
  }
  if (!isPlainObject(value)) throw ManagedChatKitError.because('config', 'notAnObject', [where], { retryable: false });
  return value as ChatKitOptionsInput;
}

/**
 * Reads the `options` *attribute* (frameworks that bind attributes, e.g. Alpine's `:options`). `[object Object]` is
 * what a framework writes when it set `options` before the element was defined: a `config` error that says so.
 */
export function parseOptionsAttribute(text: string): ChatKitOptionsInput | undefined {
  if (/^\[object \w+\]$/.test(text.trim())) throw ManagedChatKitError.because('config', 'stringifiedOptions', [text.trim()], { retryable: false });
  return parseOptionsJson(text, 'attribute');
}

function themeObject(theme: ChatKitOptions['theme']): ThemeOption {
  return typeof theme === 'string' ? { colorScheme: theme } : { ...theme };
}

/** The DOM event a handler of ChatKit's React binding stands for (`onThreadChange` → `chatkit.thread.change`), if any. */
function reactHandlerEvent(key: string): ChatKitEventName | undefined {
  const event = /^on[A-Z]/.test(key) ? `chatkit${key.slice(2).replace(/[A-Z]/g, (letter) => `.${letter.toLowerCase()}`)}` : '';
  return CHATKIT_EVENTS.find((name) => name === event);
}

/**
 * One page layer (JSON child, `options` attribute or property) ready to merge: without `api` (the element builds it),
 * a `theme` string as the object it means (so a later layer's theme object keeps its `colorScheme`), and without
 * React-style event handlers, which ChatKit's web component never calls (warned about, naming the event instead).
 */
function pageLayer(options: ChatKitOptionsInput | undefined, warn: OptionLayers['warn']): Record<string, unknown> {
  if (!options) return {};
  const { api: _ignored, ...rest } = options as ChatKitOptionsInput & { api?: unknown } & Record<string, unknown>;
  if (typeof rest.theme === 'string') rest.theme = { colorScheme: rest.theme };
  for (const key of Object.keys(rest)) {
    const event = reactHandlerEvent(key);
    if (!event) continue;
    delete (rest as Record<string, unknown>)[key];
    warn?.('reactHandler', [key, event]);
  }
  return rest;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || UNSAFE_KEYS.has(key)) continue;
    const existing = target[key];
    target[key] = isPlainObject(value) ? deepMerge(isPlainObject(existing) ? { ...existing } : {}, value) : value;
  }
  return target;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
