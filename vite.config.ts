import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import type { UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * One config for the library builds, the demo and the vitest suites.
 * - `vite build` → dist/managed-chatkit.js (ESM, `lit` external, for bundlers)
 * - `vite build --mode bundle` → dist/managed-chatkit.bundle.js (ESM, everything inlined, self-registering)
 * - `vite build --mode classic` → dist/managed-chatkit.classic.js (IIFE for a classic `<script>` in `<head>`: defines
 *   the element synchronously, before any framework renders; global `ManagedChatKit`)
 * - `vite --mode demo` (`npm run demo`) → the demo pages with the session handler mounted
 * - `vitest` → unit (happy-dom), server (node) and e2e (node + Chromium) projects
 */
export default defineConfig(async ({ command, mode }): Promise<UserConfig> => {
  if (mode === 'demo') {
    const { demoServer } = await import('./demo/demo-server.js');
    return { plugins: [demoServer()], appType: 'mpa', server: { host: '127.0.0.1', port: 5173, strictPort: false } };
  }
  return {
    // Lit's html`…` and css`…` literals lose their indentation in the library builds.
    plugins: command === 'build' ? [minifyTemplateLiterals()] : [],
    build: {
      target: 'es2022',
      emptyOutDir: false,
      sourcemap: true,
      lib:
        mode === 'bundle'
          ? { entry: 'src/bundle.ts', formats: ['es'], fileName: () => 'managed-chatkit.bundle.js' }
          : mode === 'classic'
            ? { entry: 'src/bundle.ts', formats: ['iife'], name: 'ManagedChatKit', fileName: () => 'managed-chatkit.classic.js' }
            : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'managed-chatkit.js' },
      rolldownOptions: {
        external: mode === 'bundle' || mode === 'classic' ? [] : [/^lit(\/|$)/, /^@lit\//],
        output: { minify: true },
      },
    },
    test: {
      projects: [
        { extends: true, test: { name: 'unit', environment: 'happy-dom', include: ['test/unit/**/*.test.ts'] } },
        { extends: true, test: { name: 'server', environment: 'node', include: ['test/server/**/*.test.ts'] } },
        { extends: true, test: { name: 'e2e', environment: 'node', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      ],
    },
  };
});
