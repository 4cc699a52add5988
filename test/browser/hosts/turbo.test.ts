/**
 * <managed-chatkit> under Turbo 8 Drive (test/fixtures/turbo/a.html and b.html, the classic build in <head>): visits
 * swap the body, `data-turbo-permanent` carries one element across pages, a revisit shows the cached preview first,
 * and a same-page refresh morphs (`turbo-refresh-method: morph`). Needs `npm run build` first.
 */
import { expect } from '@open-wc/testing';
import type { ManagedChatKit } from '../../../src/index.js';
import { innerDouble, until } from '../helpers.js';
import { loadPage, pageCounts } from './host-helpers.js';

const starts = async (id: string) => ((await (await fetch(`/session/${id}/log`)).json()) as Array<{ kind: string }>).filter((e) => e.kind === 'start').length;

describe('<managed-chatkit> under Turbo 8 Drive', () => {
  after(() => document.body.replaceChildren());

  it('visits, a permanent element, the cached preview and a morph refresh: one session each, nothing rebuilt or left', async () => {
    const frame = await loadPage('/test/fixtures/turbo/a.html');
    const page = frame.contentWindow! as Window & { Turbo: { visit(url: string, options?: { action?: string }): void } };
    const doc = () => page.document;
    const byId = (id: string) => doc().getElementById(id) as ManagedChatKit | null;
    await until(() => page.Turbo, 'Turbo loaded');
    await until(() => byId('page-chat-a')?.state === 'ready' && byId('chat')?.state === 'ready', 'both ready on a');
    let previews = 0;
    // Counts each time Turbo set data-turbo-preview (a record whose old value is null), however briefly.
    new (page as unknown as typeof globalThis).MutationObserver((records) => (previews += records.filter((record) => record.oldValue === null).length)).observe(
      doc().documentElement,
      { attributes: true, attributeFilter: ['data-turbo-preview'], attributeOldValue: true },
    );
    const permanent = byId('chat')!;
    const permanentChatKit = innerDouble(permanent);

    const visit = async (name: 'a' | 'b', count: number) => {
      page.Turbo.visit(`/test/fixtures/turbo/${name}.html`);
      await until(() => doc().getElementById('page')?.textContent === name && !doc().documentElement.hasAttribute('data-turbo-preview'), `page ${name}`);
      await until(() => byId(`page-chat-${name}`)?.state === 'ready', `page chat ${name} ready (visit ${count})`);
    };
    for (let i = 0; i < 5; i++) {
      await visit('b', i);
      await visit('a', i); // a revisit: Turbo shows a's cached snapshot as a preview first
    }
    // Whether Turbo paints a preview depends on whether its answer beats the next frame; when it did, the preview's
    // elements cost nothing (the deterministic check is in host-lifecycle.test.ts, "Turbo preview").
    expect(byId('chat') === permanent, 'the permanent element is the same node').to.equal(true);
    expect(innerDouble(permanent) === permanentChatKit, 'its ChatKit was never rebuilt').to.equal(true);
    expect(permanent.getAttribute('state')).to.equal('ready');
    expect(await starts('turbo-permanent')).to.equal(1);
    // One session per real render of a page; previews cost none.
    expect(await starts('turbo-page-a'), `sessions for a (${previews} previews shown)`).to.equal(6);
    expect(await starts('turbo-page-b'), `sessions for b (${previews} previews shown)`).to.equal(5);
    expect(pageCounts(page)).to.deep.equal({ scripts: 1, doubles: 2, leftover: 2 });

    // A refresh of the same URL morphs the page: elements, ChatKits and state stay.
    const pageChat = byId('page-chat-a')!;
    const pageChatKit = innerDouble(pageChat);
    page.Turbo.visit(page.location.href, { action: 'replace' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(byId('page-chat-a') === pageChat, 'morphed, not replaced').to.equal(true);
    expect(innerDouble(pageChat) === pageChatKit).to.equal(true);
    expect(pageChat.getAttribute('state')).to.equal('ready');
    expect(await starts('turbo-page-a')).to.equal(6);
  });
});
