import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../fixtures/demo-harness.js';

/**
 * `npm run demo`'s "your own server" page (demo/custom.html) in Debian's Chromium, offline: the ChatKit double talks
 * the ChatKit protocol to `createChatKitHandler`, which runs an Agents SDK agent on the fake model and keeps the
 * thread in SQLite (a temporary file here, `.chatkit/demo.db` in the demo).
 */
let demo: RunningDemo;
let browser: Browser;
let base = '';
let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'managed-chatkit-demo-'));
  process.env.MANAGED_CHATKIT_DEMO_DB = join(directory, 'demo.db');
  demo = await startDemo();
  ({ browser, base } = demo);
});

afterAll(async () => {
  await demo?.close();
  delete process.env.MANAGED_CHATKIT_DEMO_DB;
  if (directory) await rm(directory, { recursive: true, force: true });
});

type Transcript = Array<[string, string]>;
interface ProtocolRequest {
  type: string;
  params?: { thread_id?: string };
}

const transcript = (page: Page) => page.evaluate(() => (document.querySelector('#chat') as any).chatkit.transcript() as Array<[string, string]>);

/**
 * Types `text` into the double's composer and resolves when ChatKit reports the response's end, with every distinct
 * text the new assistant message showed on the way (recorded at each DOM mutation of the double).
 */
async function send(page: Page, text: string): Promise<string[]> {
  await page.evaluate(() => {
    const chat = document.querySelector('#chat') as any;
    const double = chat.chatkit;
    const before = double.transcript().filter(([role]: [string]) => role === 'assistant_message').length;
    const states: string[] = [];
    const record = () => {
      const answers = double.transcript().filter(([role]: [string]) => role === 'assistant_message');
      if (answers.length <= before) return;
      const current = answers.at(-1)[1] as string;
      if (states.at(-1) !== current) states.push(current);
    };
    const observer = new MutationObserver(record);
    observer.observe(double.shadowRoot, { subtree: true, childList: true, characterData: true });
    (window as any).answerStates = new Promise<string[]>((resolve) => {
      chat.addEventListener('chatkit-response-end', () => {
        record();
        observer.disconnect();
        resolve(states);
      }, { once: true });
    });
  });
  const composer = page.locator('#chat openai-chatkit input[name="message"]');
  await composer.fill(text);
  await composer.press('Enter');
  return page.evaluate(() => (window as any).answerStates as Promise<string[]>);
}

/** The states before the final one must be growing prefixes of the final text: the answer arrived in pieces. */
function expectStreamed(states: string[]): void {
  const final = states.at(-1)!;
  const intermediate = states.slice(0, -1).filter((state) => state.length > 0);
  expect(intermediate.length).toBeGreaterThanOrEqual(2);
  for (const [index, state] of intermediate.entries()) {
    expect(final.startsWith(state)).toBe(true);
    if (index > 0) expect(state.length).toBeGreaterThan(intermediate[index - 1]!.length);
  }
}

describe('the demo’s “your own server” page (offline)', () => {
  it('streams an answer from createChatKitHandler, reopens the thread from the server after a reload, and continues it', async () => {
    const started = performance.now();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    const requests: ProtocolRequest[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/chatkit') requests.push(request.postDataJSON() as ProtocolRequest);
    });

    await page.goto(`${base}/demo/custom.html`);
    await page.waitForSelector('#chat[state="ready"]', { state: 'attached', timeout: 15_000 });
    expect(await page.locator('.mode').textContent()).toContain('Offline demo: your own ChatKit server');
    expect(await page.locator('#chat').getAttribute('api-url')).toBe('/api/chatkit');
    const secretRequests = await page.evaluate(() => (document.querySelector('#chat') as any).chatkit.secretRequests.length as number);
    expect(secretRequests).toBe(0); // custom-backend mode: no session endpoint involved

    // 1. A first message: a new thread, a tool call shown as a workflow, and an answer streamed word by word.
    const first = await send(page, 'Hello from the e2e test');
    expectStreamed(first);
    const firstAnswer = first.at(-1)!;
    expect(firstAnswer).toContain('You said “Hello from the e2e test”');
    expect(firstAnswer).toContain('createChatKitHandler');
    expect(firstAnswer).toContain('SQLite');
    const afterFirst: Transcript = await transcript(page);
    expect(afterFirst).toEqual([
      ['user_message', 'Hello from the e2e test'],
      ['workflow', '⚙ Called the describe_demo_server tool'],
      ['assistant_message', firstAnswer],
    ]);
    const threadId = await page.evaluate(() => (document.querySelector('#chat') as any).chatkit.threadId as string);
    expect(threadId).toMatch(/^thr_[0-9a-f]{32}$/);
    expect(requests.map((request) => request.type)).toEqual(['threads.create']);
    expect((await stat(process.env.MANAGED_CHATKIT_DEMO_DB!)).size).toBeGreaterThan(0);

    // 2. A reload: persist-thread reopens the thread, and the double loads it from the server (threads.get_by_id).
    requests.length = 0;
    await page.reload();
    await page.waitForSelector('#chat[state="ready"]', { state: 'attached', timeout: 15_000 });
    await page.waitForFunction(() => (document.querySelector('#chat') as any).chatkit?.transcript().length === 3, undefined, { timeout: 5000 });
    expect(requests).toEqual([{ type: 'threads.get_by_id', params: { thread_id: threadId } }]);
    expect(await transcript(page)).toEqual(afterFirst);

    // 3. A second message continues the same thread, and the agent got the thread as history.
    const second = await send(page, 'And a second message');
    expectStreamed(second);
    const secondAnswer = second.at(-1)!;
    expect(secondAnswer).toContain('This is message 2 of the same thread');
    expect(secondAnswer).toContain('(4 items, yours included)');
    expect(requests.at(-1)).toMatchObject({ type: 'threads.add_user_message', params: { thread_id: threadId } });
    expect(await page.evaluate(() => (document.querySelector('#chat') as any).chatkit.threadId)).toBe(threadId);
    expect((await transcript(page)).map(([role]) => role)).toEqual([
      'user_message', 'workflow', 'assistant_message', 'user_message', 'workflow', 'assistant_message',
    ]);
    expect(problems).toEqual([]);
    await page.close();
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
