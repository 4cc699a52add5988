/**
 * A copy of `text` as one flat string. V8 keeps strings built by slicing or concatenation as views: a cookie id cut
 * out of a `Cookie` header keeps the whole header alive, and `crypto.randomUUID()` returns a tree of ~20 pieces
 * (about 490 bytes for 36 characters). Long-lived map keys and values go through here (a JSON round trip, which works
 * on every runtime), so that each costs only its own characters.
 */
export function flatString(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
