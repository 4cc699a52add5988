import { inTurboPreview } from './in-turbo-preview.js';

/** How long after the preview ended without a `turbo:load` an element still there starts anyway (a failed visit). */
const FALLBACK_MS = 1000;

/**
 * Calls `then` once Turbo finished the visit the preview belongs to (`turbo:load`) — Turbo removes
 * `data-turbo-preview` before it swaps in the fresh body, so the attribute alone would start the preview's element.
 * Returns a function that stops waiting (the element was replaced or removed).
 */
export function whenPreviewEnds(then: () => void): () => void {
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const done = () => {
    stop();
    then();
  };
  const observer = new MutationObserver(() => {
    clearTimeout(fallback);
    if (!inTurboPreview()) fallback = setTimeout(done, FALLBACK_MS);
  });
  const stop = () => {
    observer.disconnect();
    clearTimeout(fallback);
    document.removeEventListener('turbo:load', done);
  };
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-turbo-preview'] });
  document.addEventListener('turbo:load', done);
  return stop;
}
