/** What a runtime adapter knows about the connection that a `Request` alone does not carry. */
export interface RequestContext {
  /**
   * The peer address of the TCP connection. The Node adapter fills it from `req.socket.remoteAddress`; on Deno pass
   * `info.remoteAddr.hostname`, on Bun `server.requestIP(request)?.address`.
   */
  clientAddress?: string | undefined;
}

/** Longest text looked at as an address (`[ffff:…:255.255.255.255%interface]:65535` fits). */
const MAX_ADDRESS_LENGTH = 64;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * `text` as a canonical IP address (IPv4 dotted quad, or IPv6 lower-case without brackets, zone or port), or
 * `undefined` when it is not one. Accepts the forms proxies write into `X-Forwarded-For`: `203.0.113.9`,
 * `203.0.113.9:51234`, `2001:db8::1`, `[2001:db8::1]:443`. Anything longer than 64 characters is not an address.
 */
export function parseIpAddress(text: string | null | undefined): string | undefined {
  if (!text || text.length > MAX_ADDRESS_LENGTH) return undefined;
  let value = text.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.indexOf(':'));
  value = value.split('%', 1)[0]!;
  if (IPV4.test(value)) return value;
  return ipv6Groups(value) ? value : undefined;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two), or `undefined`. */
function ipv6Groups(text: string): number[] | undefined {
  if (!text.includes(':') || !/^[\da-f:.]+$/.test(text)) return undefined;
  let value = text;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (v4Tail) {
    if (!IPV4.test(v4Tail[1]!)) return undefined;
    const [a, b, c, d] = v4Tail[1]!.split('.').map(Number) as [number, number, number, number];
    value = `${value.slice(0, -v4Tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = value.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (!groups.every((group) => /^[\da-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * Whether `address` is one a reverse proxy of your own would connect from: loopback, RFC 1918 private, carrier-grade
 * NAT (100.64/10), link-local, IPv6 unique-local (fc00::/7), or IPv4-mapped forms of those. `false` for public
 * addresses and for text that is not an address.
 */
export function isPrivateAddress(address: string | undefined): boolean {
  const ip = parseIpAddress(address);
  if (!ip) return false;
  const v4 = IPV4.test(ip) ? ip : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (v4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  const groups = ipv6Groups(ip)!;
  const loopback = groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1;
  return loopback || (groups[0]! & 0xfe00) === 0xfc00 || (groups[0]! & 0xffc0) === 0xfe80;
}

/**
 * The client's address: the connection's peer address, or with `trustProxy` the address your proxy appended to
 * `X-Forwarded-For`. `trustProxy: true` trusts one proxy (the right-most entry), `n` trusts `n` proxies; entries
 * further left were written by the client and are never used, so a client cannot choose its own address. An entry
 * that is not an IP address (a client's garbage that reached the trusted position, an obfuscated `for=` token) is
 * not used either: the peer address is returned instead. The result is always a valid address or `undefined`.
 */
export function clientAddress(request: Request, context: RequestContext, trustProxy: number): string | undefined {
  if (trustProxy > 0) {
    const header = request.headers.get('x-forwarded-for') ?? '';
    // only the right-most `trustProxy` entries matter: look at the tail, however long the header is
    const tailLength = trustProxy * (MAX_ADDRESS_LENGTH + 2);
    const hops = header.slice(-tailLength).split(',');
    const index = Math.max(0, hops.length - trustProxy);
    const cut = header.length > tailLength && index === 0; // hops[0] may be the end of a longer entry
    const forwarded = cut ? undefined : parseIpAddress(hops[index]?.trim());
    if (forwarded) return forwarded;
  }
  return parseIpAddress(context.clientAddress);
}

/**
 * The rate-limit bucket of an address: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64 prefix,
 * because one subscriber typically holds a whole /64 and could otherwise rotate through it.
 */
export function addressBucket(address: string): string {
  let text = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped) return mapped[1]!;
  if (!text.includes(':')) return text;
  text = text.split('%', 1)[0]!;
  const [head = '', tail] = text.split('::', 2);
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
