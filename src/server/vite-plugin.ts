import type { Plugin, PreviewServer, ViteDevServer } from 'vite';
import { toNodeListener } from './node-adapter.js';
import type { SessionHandlerOptions } from './options.js';
import { createSessionHandler } from './session-handler.js';

/**
 * Serves the session routes from Vite's dev server (`vite`) and preview server (`vite preview`), so the element works
 * without a separate backend while developing. Takes the options of `createSessionHandler`; logs through Vite's logger
 * unless `logger` is given. Vite does not load `.env` into `process.env`: export the variables, or pass
 * `apiKey: loadEnv(mode, process.cwd(), '').OPENAI_API_KEY`.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * export default defineConfig({ plugins: [chatkitSessions({ workflowId: 'wf_…' })] });
 * ```
 */
export function chatkitSessions(options: SessionHandlerOptions = {}): Plugin {
  const mount = (server: ViteDevServer | PreviewServer) => {
    const logger = options.logger ?? {
      warn: (message: string) => server.config.logger.warn(message, { timestamp: true }),
      error: (message: string) => server.config.logger.error(message, { timestamp: true }),
    };
    server.middlewares.use(toNodeListener(createSessionHandler({ ...options, logger })));
  };
  return { name: 'managed-chatkit:sessions', configureServer: mount, configurePreviewServer: mount };
}
