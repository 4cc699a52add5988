import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import { defineConfig } from 'vitest/config';

/**
 * One config for the library build, the demo dev server and the vitest suites.
 * - `vite build` → dist/managed-chatkit.js (ESM, `lit` external, for bundlers)
 * - `vite build --mode bundle` → dist/managed-chatkit.bundle.js (ESM, everything inlined, self-registering)
 */
export default defineConfig(({ command, mode }) => ({
  // Lit's html`…` and css`…` literals lose their indentation in the library builds.
  plugins: command === 'build' ? [minifyTemplateLiterals()] : [],
  build: {
    target: 'es2022',
    emptyOutDir: false,
    sourcemap: true,
    minify: true,
    lib:
      mode === 'bundle'
        ? { entry: 'src/bundle.ts', formats: ['es'], fileName: () => 'managed-chatkit.bundle.js' }
        : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'managed-chatkit.js' },
    rolldownOptions: {
      external: mode === 'bundle' ? [] : [/^lit(\/|$)/, /^@lit\//],
      output: { minify: true },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'happy-dom', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'server', environment: 'node', include: ['test/server/**/*.test.ts'] },
      },
    ],
  },
}));
