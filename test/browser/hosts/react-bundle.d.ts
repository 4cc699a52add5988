/** Types of `react-bundle`, served by test/fixtures/react-plugin.mjs (React 19 bundled as one ES module). */
declare module 'react-bundle' {
  export { createElement, useState, StrictMode } from 'react';
  export { flushSync } from 'react-dom';
  export { createRoot, hydrateRoot } from 'react-dom/client';
  export { renderToString } from 'react-dom/server';
}
