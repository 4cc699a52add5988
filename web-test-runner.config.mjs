import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fakeChatKitServer } from './test/fixtures/fake-chatkit-server.mjs';
import { fakeSessionMiddleware } from './test/fixtures/fake-session-middleware.mjs';
import { cspPagesMiddleware } from './test/fixtures/csp-pages.mjs';
import { chunkFaultsMiddleware } from './test/fixtures/chunk-faults.mjs';
import { svelteCompiler } from './test/fixtures/svelte-plugin.mjs';
import { reactBundle } from './test/fixtures/react-plugin.mjs';

/** Debian's Chromium, never a downloaded browser. */
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: process.env.LIT_DEV ? ['development'] : [] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), svelteCompiler(), reactBundle()],
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
