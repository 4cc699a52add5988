/**
 * Turbo Drive shows a cached snapshot of a page (`<html data-turbo-preview>`) while it fetches the fresh one, then
 * replaces it: an element in the preview must not start ChatKit (a session per revisit, thrown away at once). Asked by
 * the first stage before it starts anything, and by the full element; waiting the preview out is src/turbo-preview.ts.
 */
export const inTurboPreview = (): boolean => document.documentElement.hasAttribute('data-turbo-preview');
