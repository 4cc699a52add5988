import type { ChatKitEvents } from '@openai/chatkit';

/** Every event `<openai-chatkit>` emits; `tsc` fails if ChatKit's types gain one that is missing here. */
export const CHATKIT_EVENTS = [
  'chatkit.ready',
  'chatkit.error',
  'chatkit.effect',
  'chatkit.deeplink',
  'chatkit.response.start',
  'chatkit.response.end',
  'chatkit.history.open',
  'chatkit.history.close',
  'chatkit.thread.change',
  'chatkit.thread.load.start',
  'chatkit.thread.load.end',
  'chatkit.tool.change',
  'chatkit.log',
] as const satisfies readonly (keyof ChatKitEvents)[];

type Missing = Exclude<keyof ChatKitEvents, (typeof CHATKIT_EVENTS)[number]>;
const _allEventsListed: [Missing] extends [never] ? true : Missing = true;
void _allEventsListed;

export type ChatKitEventName = (typeof CHATKIT_EVENTS)[number];

/** `chatkit.thread.change` → `chatkit-thread-change`: the twin that Vue, Angular and Svelte templates can bind. */
export function dashedName(name: string): string {
  return name.replaceAll('.', '-');
}
