import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fakeChatKitServer } from './test/fixtures/fake-chatkit-server.mjs';
import { fakeSessionMiddleware } from './test/fixtures/fake-session-middleware.mjs';
import { cspPagesMiddleware } from './test/fixtures/csp-pages.mjs';
import { chunkFaultsMiddleware } from './test/fixtures/chunk-faults.mjs';
import { svelteCompiler } from './test/fixtures/svelte-plugin.mjs';
import { reactBundle } from './test/fixtures/react-plugin.mjs';

/**
 * `MCK_BUILT=1` (npm run test:browser:built): the suites' imports of the element resolve to the built first stage,
 * dist/managed-chatkit.js, so it and its chunks run as shipped — minified, chunked, fetched over HTTP.
 */
function builtElement() {
  return {
    name: 'built-element',
    resolveImport({ source }) {
      if (/\/src\/(index|managed-chatkit)\.(js|ts)$/.test(source)) return '/dist/managed-chatkit.js';
    },
  };
}

/** Debian's Chromium, never a downloaded browser. */
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { browser: true },
  plugins: [...(process.env.MCK_BUILT ? [builtElement()] : []), esbuildPlugin({ ts: true, target: 'es2022' }), svelteCompiler(), reactBundle()],
  middleware: [fakeSessionMiddleware, fakeChatKitServer, cspPagesMiddleware, chunkFaultsMiddleware],
  concurrency: 1,
  testFramework: { config: { timeout: 15000 } },
  browserStartTimeout: 60000,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      },
    }),
  ],
};
