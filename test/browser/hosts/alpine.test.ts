/**
 * <managed-chatkit> in Alpine 3: `:options` binds an attribute, and Alpine writes an object as JSON, which the element
 * reads; `@chatkit-ready` listens to the dashed event name; `x-if` adds and removes the element.
 */
import { expect } from '@open-wc/testing';
import Alpine from 'alpinejs';
import '../../../src/index.js';
import type { ManagedChatKit } from '../../../src/index.js';
import { doubleSrc, innerDouble, scenario, until, untilState } from '../helpers.js';
import { chatkitScriptTags, liveDoubles, settle } from './host-helpers.js';

const alpine = Alpine as unknown as { start(): void; $data(el: Element): Record<string, unknown> };
(window as unknown as { Alpine: unknown }).Alpine = Alpine;
alpine.start();

const markup = (startUrl: string, scriptSrc: string) =>
  // snippet:start alpine
  `<div x-data="{ shown: true, ready: 0, greeting: 'Hello from Alpine' }">
     <template x-if="shown">
       <managed-chatkit
         start-url="${startUrl}"
         script-src="${scriptSrc}"
         :options="{ startScreen: { greeting } }"
         @chatkit-ready="ready++"
       ></managed-chatkit>
     </template>
   </div>`;
// snippet:end alpine

const element = () => document.querySelector('managed-chatkit') as ManagedChatKit | null;
const starts = async (s: ReturnType<typeof scenario>) => (await s.log()).filter((entry) => entry.kind === 'start').length;

describe('<managed-chatkit> in Alpine 3', () => {
  afterEach(() => document.body.replaceChildren());

  it(':options (an object Alpine writes as JSON) reaches ChatKit, a reactive change sends one setOptions; x-if toggled 30 times leaves nothing', async () => {
    const s = scenario('alpine');
    const host = document.createElement('div');
    host.innerHTML = markup(s.startUrl, doubleSrc());
    document.body.append(host);
    await until(() => element(), 'x-if rendered the element');
    await untilState(element()!, 'ready');
    const data = alpine.$data(host.firstElementChild!);
    const double = innerDouble(element()!)!;
    expect(double.options.startScreen).to.deep.equal({ greeting: 'Hello from Alpine' });
    const calls = double.setOptionsCalls.length;
    data.greeting = 'Changed in Alpine';
    await until(() => double.setOptionsCalls.length === calls + 1, 'one setOptions');
    expect(double.options.startScreen).to.deep.equal({ greeting: 'Changed in Alpine' });

    for (let i = 1; i < 30; i++) {
      data.shown = false;
      await until(() => !element(), 'x-if removed the element');
      await settle();
      expect(liveDoubles(), `doubles while hidden (round ${i})`).to.equal(0);
      data.shown = true;
      await until(() => element(), 'x-if added the element');
      await untilState(element()!, 'ready');
    }
    await until(() => data.ready === 30, '30 × @chatkit-ready');
    expect(chatkitScriptTags()).to.equal(1);
    expect(await starts(s)).to.equal(30);
  });
});
