/** idiomorph's htmx extension registers itself on import; it has no types of its own for this entry. */
declare module 'idiomorph/dist/idiomorph-ext.esm.js';
