/** How far outside the viewport a `loading="lazy"` element starts loading. */
export const LAZY_ROOT_MARGIN = '400px';

/**
 * Calls `callback` once, when `element` comes within {@link LAZY_ROOT_MARGIN} of the viewport. Returns a function
 * that stops watching. Without IntersectionObserver the callback runs at once.
 */
export function whenNearViewport(element: Element, callback: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    callback();
    return () => {};
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      callback();
    },
    { rootMargin: LAZY_ROOT_MARGIN },
  );
  observer.observe(element);
  return () => observer.disconnect();
}
