import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../fixtures/demo-harness.js';

/** `npm run demo` in offline mode, driven end to end in Debian's Chromium. */
let demo: RunningDemo;
let browser: Browser;
let base = '';

beforeAll(async () => {
  demo = await startDemo();
  ({ browser, base } = demo);
});

afterAll(async () => {
  await demo?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(`${base}${path}`);
  return page;
}

const state = (page: Page) => page.locator('#chat').getAttribute('state');
const until = (page: Page, value: string) => page.waitForSelector(`#chat[state="${value}"]`, { timeout: 15_000, state: 'attached' });

describe('the offline demo', () => {
  it('starts: the element reaches ready with a secret from the real handler and SDK', async () => {
    const page = await open('/');
    await until(page, 'ready');
    expect(await page.locator('.mode').textContent()).toContain('Offline demo');
    const secret = await page.evaluate(() => (document.querySelector('#chat') as any).chatkit.secret as string);
    expect(secret).toMatch(/^ek_fake_/);
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'chatkit_user')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('refreshes: a forced expiry POSTs the refresh route and ChatKit holds a new secret', async () => {
    const page = await open('/demo/index.html');
    await until(page, 'ready');
    const first = await page.evaluate(() => (document.querySelector('#chat') as any).chatkit.secret as string);
    const refresh = page.waitForRequest((request) => request.url().endsWith('/api/chatkit/refresh'));
    await page.click('#refresh');
    const request = await refresh;
    expect(request.postDataJSON()).toEqual({ currentClientSecret: first });
    await page.waitForFunction((old) => (document.querySelector('#chat') as any).chatkit.secret !== old, first);
    expect(await state(page)).toBe('ready');
    expect(await page.locator('#log').textContent()).toContain('force refresh');
    await page.close();
  });

  it('fails visibly on a server error and recovers with Retry', async () => {
    const page = await open('/demo/errors.html');
    await until(page, 'ready');
    await page.click('text=Server answers 500');
    await until(page, 'error');
    const alert = page.locator('#chat >> [role="alert"]');
    expect(await alert.textContent()).toContain('/demo/fail/500 answered 500');
    expect(await alert.textContent()).toContain('The session server is down');
    await page.click('#fix');
    await until(page, 'ready');

    await page.click('text=OpenAI answers 500');
    await until(page, 'error');
    expect(await alert.textContent()).toMatch(/answered 502/);
    await page.evaluate(() => fetch('/demo/upstream/ok', { method: 'POST' }));
    await page.click('#chat >> [part="retry-button"]');
    await until(page, 'ready');
    expect((page as any).problems).toEqual([]);
    await page.close();
  });

  it('opens the launcher only on demand', async () => {
    const page = await open('/demo/launcher.html');
    const launcher = page.locator('managed-chatkit[launcher]');
    await page.waitForTimeout(300);
    expect(await launcher.getAttribute('state')).toBe('idle');
    await page.click('managed-chatkit[launcher] >> [part="launcher"]');
    await page.waitForSelector('managed-chatkit[launcher][state="ready"]', { state: 'attached' });
    await page.keyboard.press('Escape');
    expect(await launcher.getAttribute('open')).toBe(null);
    await page.close();
  });
});
