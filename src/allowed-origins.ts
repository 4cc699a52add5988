/** Which origins a URL of each kind may have, beside the page's own (src/url-policy.ts says why). */
export type UrlKind = 'script' | 'connect';

/** The JavaScript property, per kind (for messages). */
export const PROPERTY = { script: 'allowedScriptOrigins', connect: 'allowedConnectOrigins' } as const;

/** Lists set from JavaScript; `null` until set (the `<meta>` is read then). */
export const configuredOrigins: Record<UrlKind, readonly string[] | null> = { script: null, connect: null };

/** The origins set from JavaScript for `kind`, or `null` when none were set. */
export function getAllowedOrigins(kind: UrlKind): readonly string[] | null {
  return configuredOrigins[kind];
}

/**
 * Sets the origins allowed for `kind` from JavaScript (`null` or `undefined` goes back to reading the `<meta>`). Once
 * set, the `<meta>` is not read: a page that sets the list from code cannot be widened by markup at all.
 * Throws a `TypeError` for an entry that is not an http(s) origin such as `https://chat.example.com`.
 */
export function setAllowedOrigins(kind: UrlKind, origins: Iterable<string> | null | undefined): void {
  configuredOrigins[kind] = origins == null ? null : Object.freeze([...origins].map((entry) => toOrigin(entry, `ManagedChatKit.${PROPERTY[kind]}`, TypeError)));
}

/** `entry` as an origin (`https://host[:port]`); anything with a path, or not http(s), is refused. */
export function toOrigin(entry: string, where: string, error: (message: string) => Error): string {
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    // reported below
  }
  // An origin's href is the origin and "/": a path, query, hash or user name makes it differ.
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.href !== `${url.origin}/`) {
    throw error(`${where}: "${entry}" is not an origin. Give origins only, such as https://chat.example.com (no path).`);
  }
  return url.origin;
}

