/**
 * The ChatKit double's `boot` option (test/fixtures/chatkit-double.ts), which the bench uses to stand in for real
 * ChatKit's frame load: after `setOptions` the double waits `boot` ms before it asks for a client secret (hosted) or
 * sends its first protocol request (custom), and before `chatkit.ready`. With `boot` 0 it starts at once, as before.
 * Drives `<openai-chatkit>` directly, without `<managed-chatkit>`.
 */
import { expect } from '@open-wc/testing';
import { doubles, doubleSrc, sleep, until, type ChatKitDouble } from './helpers.js';

type Config = { boot: number; ready: string; readyDelay: number };
const config = () => doubles()!.config as unknown as Config;

/** Loads the double once (`boot` is then switched per test through its shared config). */
async function loadDouble(): Promise<void> {
  if (customElements.get('openai-chatkit')) return;
  const script = Object.assign(document.createElement('script'), { src: doubleSrc({ boot: '0' }) });
  document.head.append(script);
  await customElements.whenDefined('openai-chatkit');
}

type Double = ChatKitDouble & { setOptions(options: unknown): void; sendUserMessage(params: { text: string }): Promise<void> };

/** A connected double given `{ api }`; records when it fired `chatkit.ready`. */
function mountDouble(api: Record<string, unknown>): { chatkit: Double; readyAt: () => number | null } {
  const chatkit = document.createElement('openai-chatkit') as Double;
  let readyAt: number | null = null;
  chatkit.addEventListener('chatkit.ready', () => (readyAt ??= performance.now()));
  document.body.append(chatkit);
  chatkit.setOptions({ api });
  return { chatkit, readyAt: () => readyAt };
}

/** A ChatKit server answering `threads.create` with a thread and the user's message, as an event stream. */
function streamingFetch(log: number[]): typeof fetch {
  return async () => {
    log.push(performance.now());
    const events = [
      { type: 'thread.created', thread: { id: 'thr_1' } },
      { type: 'thread.item.done', item: { id: 'msg_1', type: 'user_message', content: [{ type: 'input_text', text: 'hi' }] } },
    ];
    return new Response(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''), { headers: { 'Content-Type': 'text/event-stream' } });
  };
}

describe('ChatKit double: boot delay', () => {
  before(loadDouble);
  afterEach(() => {
    Object.assign(config(), { boot: 0, ready: 'after-secret', readyDelay: 0 });
    for (const chatkit of document.querySelectorAll('openai-chatkit')) chatkit.remove();
  });

  it('boot=0 (the default): asks for a secret inside setOptions, as before', () => {
    const asked: number[] = [];
    mountDouble({ getClientSecret: async () => (asked.push(performance.now()), 'secret-1') });
    expect(asked, 'getClientSecret called synchronously by setOptions').to.have.length(1);
  });

  it('hosted, boot=150: getClientSecret and chatkit.ready wait until the frame has loaded', async () => {
    config().boot = 150;
    const asked: number[] = [];
    const from = performance.now();
    const { chatkit, readyAt } = mountDouble({ getClientSecret: async () => (asked.push(performance.now()), 'secret-1') });
    expect(asked, 'nothing asked while the frame loads').to.deep.equal([]);
    await until(() => readyAt() !== null, 'chatkit.ready', 2000);
    expect(asked).to.have.length(1);
    expect(asked[0] - from, 'ms until the secret was asked for').to.be.at.least(148);
    expect(readyAt()! - from, 'ms until chatkit.ready').to.be.at.least(148);
    expect(chatkit.secret).to.equal('secret-1');
  });

  it('hosted, ready=first with boot=150: chatkit.ready comes after the boot delay too', async () => {
    Object.assign(config(), { boot: 150, ready: 'first' });
    const from = performance.now();
    const { readyAt } = mountDouble({ getClientSecret: async () => 'secret-1' });
    await until(() => readyAt() !== null, 'chatkit.ready', 2000);
    expect(readyAt()! - from).to.be.at.least(148);
  });

  it('custom backend, boot=150: a message sent at once leaves when the frame has loaded, after chatkit.ready', async () => {
    config().boot = 150;
    const sent: number[] = [];
    const from = performance.now();
    const { chatkit, readyAt } = mountDouble({ url: '/chatkit/boot', domainKey: 'domain_pk_test', fetch: streamingFetch(sent) });
    const message = chatkit.sendUserMessage({ text: 'hi' });
    await sleep(50);
    expect(sent, 'no protocol request while the frame loads').to.deep.equal([]);
    await message;
    expect(sent).to.have.length(1);
    expect(sent[0] - from, 'ms until the first protocol request').to.be.at.least(148);
    await until(() => readyAt() !== null, 'chatkit.ready', 2000);
    expect(readyAt()! - from).to.be.at.least(148);
    expect(chatkit.transcript()).to.deep.equal([['user_message', 'hi']]);
  });
});
