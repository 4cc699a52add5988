// @ts-check
/**
 * docs/screenshot.png: the offline demo (demo/index.html under `vite --mode demo`, with the local ChatKit double and
 * the real session handler against a fake OpenAI), once `<managed-chatkit>` is ready, in Debian's Chromium.
 *
 *   node scripts/screenshot.mjs [out.png]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(root, process.argv[2] ?? 'docs/screenshot.png');
process.env.MANAGED_CHATKIT_DEMO = 'offline';

const server = await createServer({ root, configFile: path.join(root, 'vite.config.ts'), mode: 'demo', server: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
await server.listen();
const address = server.httpServer?.address();
if (!address || typeof address === 'string') throw new Error('the demo server has no port');

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', deviceScaleFactor: 1 });
  await page.goto(`http://127.0.0.1:${address.port}/demo/index.html`);
  await page.waitForSelector('managed-chatkit[state="ready"]', { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('chatkit.ready'), undefined, { timeout: 10_000 });
  await page.screenshot({ path: out });
  console.log(`screenshot: ${path.relative(root, out)}`);
} finally {
  await browser.close();
  await server.close();
}
