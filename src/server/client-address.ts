/** What a runtime adapter knows about the connection that a `Request` alone does not carry. */
export interface RequestContext {
  /**
   * The peer address of the TCP connection. The Node adapter fills it from `req.socket.remoteAddress`; on Deno pass
   * `info.remoteAddr.hostname`, on Bun `server.requestIP(request)?.address`.
   */
  clientAddress?: string | undefined;
}

/**
 * The client's address: the connection's peer address, or with `trustProxy` the address your proxy appended to
 * `X-Forwarded-For`. `trustProxy: true` trusts one proxy (the right-most entry), `n` trusts `n` proxies; entries
 * further left were written by the client and are never used, so a client cannot choose its own address.
 */
export function clientAddress(request: Request, context: RequestContext, trustProxy: number): string | undefined {
  if (trustProxy > 0) {
    const hops = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const forwarded = hops[Math.max(0, hops.length - trustProxy)];
    if (forwarded) return forwarded;
  }
  return context.clientAddress || undefined;
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
