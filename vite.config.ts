import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import type { Plugin, UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';

/** dist/managed-chatkit.bundle.js, 0.1's file for CDNs: now the first stage's second name (one more request). */
function bundleAlias(): Plugin {
  return {
    name: 'managed-chatkit-bundle-alias',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'managed-chatkit.bundle.js', source: "export * from './managed-chatkit.js';\n" });
    },
  };
}

/**
 * One config for the library builds, the demo and the vitest suites.
 * - `vite build` → dist/managed-chatkit.js, the first stage (ESM, self-registering, no dependencies: for bundlers and
 *   CDNs alike), and the chunks it fetches next to it — dist/managed-chatkit.chatkit-controller.js (the rest of the
 *   element) and dist/managed-chatkit.launcher.js; dist/managed-chatkit.bundle.js re-exports the first stage (its name
 *   from 0.1)
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
    plugins: command === 'build' ? [minifyTemplateLiterals(), ...(mode === 'classic' ? [] : [bundleAlias()])] : [],
    build: {
      target: 'es2022',
      emptyOutDir: false,
      sourcemap: true,
      lib:
        mode === 'classic'
          ? { entry: 'src/bundle.ts', formats: ['iife'], name: 'ManagedChatKit', fileName: () => 'managed-chatkit.classic.js' }
          : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'managed-chatkit.js' },
      rolldownOptions: {
        // The first stage may export more than its public API: the chunks import what they share with it from it,
        // rather than from a third file that would have to load before the first request could leave.
        preserveEntrySignatures: 'allow-extension',
        output: {
          minify: true,
          // Relative imports of stable names: a CDN folder serves them beside the first stage.
          chunkFileNames: 'managed-chatkit.[name].js',
          // One file for a classic <script>: its chunks are inlined.
          ...(mode === 'classic' ? { inlineDynamicImports: true } : {}),
        },
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
