/**
 * Adds `<link rel="preconnect">` to the origin of `url` (once per origin and pool) so a later request starts warm.
 * `credentialed`: the request will carry cookies (fetch `credentials: "include"`), which uses another connection pool.
 */
export function preconnect(url: URL, credentialed = false): void {
  if (url.origin === location.origin || url.origin === 'null') return;
  const crossOrigin = credentialed ? null : 'anonymous';
  const existing = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')];
  if (existing.some((link) => link.href && new URL(link.href).origin === url.origin && link.crossOrigin === crossOrigin)) return;
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = url.origin;
  link.crossOrigin = crossOrigin;
  document.head.append(link);
}
