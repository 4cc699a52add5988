/** The 0.1 name of dist/managed-chatkit.js, kept for pages that load it from a CDN: it re-exports the first stage. */
export * from './index.js';
