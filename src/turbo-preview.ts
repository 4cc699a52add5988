/**
 * Turbo Drive shows a cached snapshot of a page (`<html data-turbo-preview>`) while it fetches the fresh one, then
 * replaces it: an element in the preview must not start ChatKit (a session per revisit, thrown away at once).
 */
export const inTurboPreview = (): boolean => document.documentElement.hasAttribute('data-turbo-preview');

/** Calls `then` once the page leaves Turbo's preview; returns a function that stops waiting. */
export function whenPreviewEnds(then: () => void): () => void {
  const observer = new MutationObserver(() => {
    if (inTurboPreview()) return;
    observer.disconnect();
    then();
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-turbo-preview'] });
  return () => observer.disconnect();
}
