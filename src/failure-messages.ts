import { useWording, type Reason } from './errors.js';
import { TRUSTED_TYPES_POLICY } from './script-tag.js';

/**
 * The wording of every failure and warning the element reports, fetched as a chunk of its own on the first one: a
 * page where nothing goes wrong never downloads it. Code that fails names a reason and the facts its message quotes
 * (`ManagedChatKitError.because`), worded as soon as this module is in; the message says what happened and what to fix, naming the attribute, the URL,
 * and what came back.
 */

/** What a session endpoint answered: the attribute and URL asked, status, status text, and the body as text. */
type Answer = [attribute: string, url: string, status: number, statusText: string, body: string];

/** What ChatKit's failure messages quote: the custom server's domain key and URL, both null in hosted mode. */
type ChatKitSetup = [domainKey: string | null, apiUrl: string | null];

/** Every reason, with the facts its message quotes. */
export interface FailureFacts {
  // configuration
  credentials: [value: string];
  timeout: [attributeValue: string | null];
  loading: [value: string];
  theme: [value: string];
  /** `where`: the JSON child, or the `options` attribute. */
  invalidJson: [where: 'child' | 'attribute', reason: string];
  notAnObject: [where: 'child' | 'attribute'];
  stringifiedOptions: [text: string];
  getClientSecretGiven: [];
  uploadUrlAlone: [];
  customAndHosted: [apiUrlName: string, hostedAttributes: string[]];
  noDomainKey: [apiUrlName: string];
  // ChatKit's script
  trustedTypesRefused: [href: string];
  scriptNotDefining: [href: string, timeout: number];
  scriptTimeout: [href: string, timeout: number];
  scriptBlocked: [href: string, origin: string];
  scriptThrew: [href: string, message: string];
  scriptNotLoading: [href: string];
  // session
  sessionTimeout: [attribute: string, url: string, timeout: number];
  sessionUnreachable: [attribute: string, url: string, reason: string];
  answerTooLarge: [attribute: string, url: string, status: number, statusText: string, maxBytes: number];
  answerStatus: Answer;
  answerNotJson: [...answer: Answer, contentType: string | null];
  answerWithoutSecret: Answer;
  // ChatKit itself
  notReady: [timeout: number, ...setup: ChatKitSetup];
  errorBeforeReady: [reason: string, ...setup: ChatKitSetup];
  // warnings (console only)
  unsupportedLocale: [locale: string];
  reactHandler: [key: string, event: string];
}

export type FailureReason = keyof FailureFacts;

/** How many characters of an unexpected body a message quotes. */
const QUOTE_CHARS = 200;

const MESSAGES: { [R in FailureReason]: (...facts: FailureFacts[R]) => string } = {
  credentials: (value) => `credentials="${value}" is not one of same-origin, include, omit.`,
  timeout: (value) => `timeout="${value}" is not a positive number of milliseconds.`,
  loading: (value) => `loading="${value}" is not one of eager, lazy.`,
  theme: (value) => `theme="${value}" is not one of light, dark, auto.`,
  invalidJson: (where, reason) => `${source(where)} are not valid JSON: ${reason}.`,
  notAnObject: (where) => `${source(where)} must be a JSON object of ChatKit options.`,
  stringifiedOptions: (text) =>
    `options="${text}": a framework set options before <managed-chatkit> was defined, so the object became text and ChatKit never got it. ` +
    'Define the element before the framework renders: load managed-chatkit.classic.js with a classic <script> in <head> ' +
    '(or import managed-chatkit before mounting the app), or pass options as JSON.',
  getClientSecretGiven: () =>
    'api.getClientSecret in the options is not accepted: <managed-chatkit> supplies it from start-url. Remove it, or use your own ChatKit server: api-url and domain-key.',
  uploadUrlAlone: () => 'upload-url needs api-url (your own ChatKit server).',
  customAndHosted: (name, hosted) =>
    `${name} (your own ChatKit server) cannot be combined with ${hosted.join(', ')} (hosted workflow). Remove ${hosted.join(' and ')}, or remove api-url.`,
  noDomainKey: (name) =>
    `${name} needs domain-key: add ${location.hostname} to your OpenAI domain allowlist (platform.openai.com, Settings → Security) and set domain-key to the key it shows.`,

  trustedTypesRefused: (href) =>
    `The page's Trusted Types (require-trusted-types-for 'script') refused the ChatKit script ${href}: add ${TRUSTED_TYPES_POLICY} to the trusted-types directive of its Content-Security-Policy.`,
  scriptNotDefining: (href, timeout) =>
    `The script ${href} loaded but did not define <openai-chatkit> within ${timeout} ms. Check that script-src points at ChatKit's chatkit.js.`,
  scriptTimeout: (href, timeout) => `The ChatKit script ${href} did not load within ${timeout} ms (timeout attribute). Check the network or raise timeout.`,
  scriptBlocked: (href, origin) =>
    `The page's Content-Security-Policy blocked the ChatKit script ${href}. Give <managed-chatkit> the page's nonce (nonce attribute) or allow ${origin} in script-src.`,
  scriptThrew: (href, message) => `The ChatKit script ${href} threw while starting: ${message}. Check that script-src points at chatkit.js.`,
  scriptNotLoading: (href) =>
    `The ChatKit script failed to load from ${href} (script-src). Check the URL, the network, and that the Content-Security-Policy allows it.`,

  sessionTimeout: (attribute, url, timeout) => `${attribute} ${url} did not answer within ${timeout} ms (timeout attribute). Check the server or raise timeout.`,
  sessionUnreachable: (attribute, url, reason) => `Could not reach ${attribute} ${url} (${reason}). Check that the session server runs and the URL is right.`,
  answerTooLarge: (attribute, url, status, statusText, maxBytes) =>
    `${answered(attribute, url, status, statusText)} with a body over ${maxBytes} bytes. A session endpoint answers {"client_secret": "…"}.`,
  answerStatus: (attribute, url, status, statusText, body) => {
    const json = parse(body);
    const detail = errorMessageOf(json) || (/^\s*</.test(body) ? htmlTitle(body) : quote(body));
    return `${answered(attribute, url, status, statusText)}${detail ? `: ${detail}` : ''}. Check the server behind ${attribute}.`;
  },
  answerNotJson: (attribute, url, status, statusText, body, type) =>
    `${answered(attribute, url, status, statusText)} with a body that is not JSON (${type ?? 'no content type'}): ${quote(body) || '(empty)'}. Point ${attribute} at your session endpoint.`,
  answerWithoutSecret: (attribute, url, status, statusText, body) => {
    const json = parse(body);
    const found = isRecord(json) ? `keys: ${Object.keys(json).slice(0, 8).join(', ') || 'none'}` : `a JSON ${json === null ? 'null' : Array.isArray(json) ? 'array' : typeof json}`;
    return `${answered(attribute, url, status, statusText)} without a non-empty string "client_secret" (${found}). The session endpoint must answer {"client_secret": "…"}.`;
  },

  notReady: (timeout, ...setup) => chatkitFailure(`did not fire chatkit.ready within ${timeout} ms (timeout attribute)`, setup),
  errorBeforeReady: (reason, ...setup) => chatkitFailure(`fired chatkit.error before chatkit.ready (${reason})`, setup),

  unsupportedLocale: (locale) => `locale "${locale}" is not one ChatKit supports (SupportedLocale of @openai/chatkit); ChatKit falls back to English.`,
  reactHandler: (key, event) =>
    `options.${key} is a handler of ChatKit's React binding; the web component never calls it. ` +
    `Listen to the "${event}" event (or "${event.replaceAll('.', '-')}" in templates) on <managed-chatkit> instead.`,
};

/** The message for a reason and its facts. */
export function wording([reason, ...facts]: Reason): string {
  return (MESSAGES[reason] as (...facts: unknown[]) => string)(...facts);
}

useWording(wording);

function source(where: 'child' | 'attribute'): string {
  return where === 'child' ? 'The <script type="application/json"> options inside <managed-chatkit>' : 'The options attribute of <managed-chatkit>';
}

/** ChatKit was mounted but `what`: then the usual causes for this page and backend. */
function chatkitFailure(what: string, [domainKey, apiUrl]: ChatKitSetup): string {
  return (
    `ChatKit was mounted but ${what}. Check that ${location.hostname} is on your OpenAI organization's domain allowlist` +
    (apiUrl ? ` and that domain-key="${domainKey}" is the key it shows for it` : ' (and, with api-url, that domain-key is its key)') +
    `; that this page's Content-Security-Policy allows ChatKit in frame-src and connect-src` +
    (apiUrl ? `; and that the ChatKit server at api-url ${apiUrl} is running.` : '.')
  );
}

function answered(attribute: string, url: string, status: number, statusText: string): string {
  return `${attribute} ${url} answered ${status}${statusText ? ` ${statusText}` : ''}`;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{"error": "…"}`, `{"error": {"message": "…"}}` or `{"message": "…"}`, quoted. */
function errorMessageOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const { error, message } = json;
  if (typeof error === 'string' && error) return quote(error);
  if (isRecord(error) && typeof error.message === 'string' && error.message) return quote(error.message);
  if (typeof message === 'string' && message) return quote(message);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `<title>` of an HTML error page, quoted, or nothing. */
function htmlTitle(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1];
  return title ? quote(title) : '';
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? `"${flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat}"` : '';
}
