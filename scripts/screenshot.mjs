// @ts-check
/**
 * docs/screenshot.png: the offline demo (demo/index.html under `vite --mode demo`, with the local ChatKit double and
 * the real session handler against a fake OpenAI), once `<managed-chatkit>` is ready, in Debian's Chromium.
 * docs/screenshot-custom.png: the "your own server" page (demo/custom.html) after one streamed answer from
 * `createChatKitHandler` and the offline fake model (its thread in a throwaway `.chatkit/screenshot.db`).
 *
 *   node scripts/screenshot.mjs [out.png [out-custom.png]]
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(root, process.argv[2] ?? 'docs/screenshot.png');
const outCustom = path.resolve(root, process.argv[3] ?? 'docs/screenshot-custom.png');
const database = path.join(root, '.chatkit/screenshot.db');
process.env.MANAGED_CHATKIT_DEMO = 'offline';
process.env.MANAGED_CHATKIT_DEMO_DB = database;

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

  const custom = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', deviceScaleFactor: 1 });
  await custom.goto(`http://127.0.0.1:${address.port}/demo/custom.html`);
  await custom.waitForSelector('managed-chatkit[state="ready"]', { timeout: 30_000 });
  const composer = custom.locator('#chat openai-chatkit input[name="message"]');
  await composer.fill('What am I looking at?');
  await composer.press('Enter');
  await custom.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('chatkit.response.end'), undefined, { timeout: 30_000 });
  await custom.screenshot({ path: outCustom });
  console.log(`screenshot: ${path.relative(root, outCustom)}`);
} finally {
  await browser.close();
  await server.close();
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${database}${suffix}`, { force: true })));
}
