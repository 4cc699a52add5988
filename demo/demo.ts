/** Shared by the demo pages: writes the element's state changes, errors and ChatKit events into #log. */
import '../src/index.js';
import { CHATKIT_EVENTS, dashedName } from '../src/chatkit-events.js';

const mode = document.body.dataset.mode === 'live' ? 'live' : 'offline';
const banner = document.querySelector('.mode');
if (banner) banner.textContent = document.body.dataset.backend === 'custom' ? customBanner() : hostedBanner();

function hostedBanner(): string {
  return mode === 'live'
    ? 'Live: the real ChatKit script and real sessions for CHATKIT_WORKFLOW_ID.'
    : 'Offline demo: a local ChatKit double stands in for ChatKit’s CDN script, and the session handler talks to a fake OpenAI sessions API. Set OPENAI_API_KEY and CHATKIT_WORKFLOW_ID to use the real ones.';
}

/** The custom-backend page: which of the model and the ChatKit script are real (set by demo/demo-server.ts). */
function customBanner(): string {
  const realModel = document.body.dataset.model === 'openai';
  const realScript = document.body.dataset.chatkit === 'cdn';
  if (!realModel && !realScript) {
    return 'Offline demo: your own ChatKit server (createChatKitHandler) runs an Agents SDK agent on an offline fake model, and a local ChatKit double stands in for ChatKit’s CDN script. No keys needed. Set OPENAI_API_KEY for a real model and CHATKIT_DOMAIN_KEY for the real ChatKit script (see “Running this page live”).';
  }
  const model = realModel ? 'a real OpenAI model (OPENAI_API_KEY)' : 'the offline fake model (set OPENAI_API_KEY for a real one)';
  const script = realScript
    ? 'the real ChatKit script with CHATKIT_DOMAIN_KEY (this hostname must be on that key’s domain allowlist)'
    : 'the local ChatKit double (set CHATKIT_DOMAIN_KEY for the real script)';
  return `Live: your own ChatKit server runs ${model}; the page uses ${script}.`;
}

const log = document.querySelector<HTMLPreElement>('#log');
const write = (line: string) => {
  if (!log) return;
  log.textContent += `${new Date().toISOString().slice(11, 23)} ${line}\n`;
  log.scrollTop = log.scrollHeight;
};

for (const element of document.querySelectorAll('managed-chatkit')) {
  element.addEventListener('managed-chatkit-statechange', (event) => write(`state ${event.detail.previous} → ${event.detail.state}`));
  element.addEventListener('managed-chatkit-error', (event) => write(`error (${event.detail.phase}${event.detail.status ? ` ${event.detail.status}` : ''}): ${event.detail.message}`));
  for (const name of CHATKIT_EVENTS) {
    element.addEventListener(dashedName(name), (event) => write(`${name} ${JSON.stringify((event as CustomEvent).detail) ?? ''}`));
  }
}

/** The offline double can be told to expire its secret, which makes ChatKit ask the refresh URL. */
export async function forceRefresh(element: HTMLElementTagNameMap['managed-chatkit']): Promise<void> {
  const double = element.chatkit as unknown as { expireSecret?: () => Promise<unknown> } | null;
  if (!double?.expireSecret) return write('force refresh: only the offline double can be told to expire its secret');
  write('force refresh: ChatKit’s secret expired');
  await double.expireSecret();
}

export { write };
