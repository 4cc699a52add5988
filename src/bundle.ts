/** The self-registering file a `<script type="module">` loads from a CDN: everything, Lit included, inlined. */
export * from './index.js';
