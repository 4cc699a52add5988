import type { Plugin, PreviewServer, ViteDevServer } from 'vite';
import { createChatKitHandler, type ChatKitHandlerOptions } from './chatkit/handler.js';
import type { StoreContext } from './chatkit/store/store.js';
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

/**
 * Serves a ChatKit server (`createChatKitHandler`, default path `/api/chatkit`) from Vite's dev and preview servers,
 * for `<managed-chatkit api-url="/api/chatkit" domain-key="…">`. Takes the options of `createChatKitHandler`; logs
 * through Vite's logger unless `logger` is given. The handler (and its default SQLite store) is created when the
 * server starts, the store opened on the first request.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { Agent } from '@openai/agents';
 * export default defineConfig({ plugins: [chatkitServer({ agent: new Agent({ name: 'Assistant', instructions: '…' }) })] });
 * ```
 */
export function chatkitServer<TContext extends StoreContext = StoreContext>(options: ChatKitHandlerOptions<TContext>): Plugin {
  const mount = (server: ViteDevServer | PreviewServer) => {
    const logger = options.logger ?? {
      warn: (message: string) => server.config.logger.warn(message, { timestamp: true }),
      error: (message: string) => server.config.logger.error(message, { timestamp: true }),
    };
    const handler = createChatKitHandler<TContext>({ ...options, logger });
    server.httpServer?.once('close', () => void handler.close().catch(() => {}));
    server.middlewares.use(toNodeListener(handler));
  };
  return { name: 'managed-chatkit:chatkit-server', configureServer: mount, configurePreviewServer: mount };
}
