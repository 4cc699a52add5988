// @ts-check
/**
 * custom-elements.json is generated, never hand-edited: it must be what the analyzer makes from src/ today, README's
 * API tables must be what scripts/api-tables.mjs makes from it, and it must list the public names of
 * /work/shared/CONTRACT.md. Fix a failure with `npm run manifest`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { expectedReadme } from '../../scripts/api-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committed = fs.readFileSync(path.join(root, 'custom-elements.json'), 'utf8');
/** @type {any} */
const manifest = JSON.parse(committed);
const element = manifest.modules.flatMap((/** @type {any} */ m) => m.declarations ?? []).find((/** @type {any} */ d) => d.tagName === 'managed-chatkit');
let scratch = '';

before(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-chatkit-cem-'));
});
after(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('custom-elements.json is what the analyzer makes from src/ today (else: npm run manifest)', () => {
  const result = spawnSync(
    path.join(root, 'node_modules/.bin/cem'),
    ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', path.relative(root, scratch), '--quiet'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, MANAGED_CHATKIT_DIST: path.join(scratch, 'dist') } },
  );
  assert.equal(result.status, 0, result.stderr);
  const fresh = fs.readFileSync(path.join(scratch, 'custom-elements.json'), 'utf8');
  assert.equal(fresh, committed, 'custom-elements.json is out of date: run `npm run manifest` and commit it');
  for (const typings of ['vue.d.ts', 'svelte.d.ts', 'jsx.d.ts']) assert.ok(fs.existsSync(path.join(scratch, 'dist/types', typings)), `${typings} was not generated`);
});

test("README's API tables are the ones custom-elements.json gives (else: npm run manifest)", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.equal(readme, expectedReadme(), 'README.md API tables are out of date: run `npm run manifest`');
});

test('the manifest registers <managed-chatkit> from src/define.ts', () => {
  const define = manifest.modules.find((/** @type {any} */ m) => m.path === 'src/define.ts');
  assert.deepEqual(define.exports, [
    { kind: 'custom-element-definition', name: 'managed-chatkit', declaration: { name: 'ManagedChatKit', module: 'src/managed-chatkit.ts' } },
  ]);
});

test('the manifest lists the attributes, slots and parts of the contract', () => {
  // In any order (the analyzer lists the ones named in observedAttributes first).
  assert.deepEqual(
    element.attributes.map((/** @type {any} */ a) => a.name).sort(),
    [
      'start-url',
      'refresh-url',
      'workflow-id',
      'credentials',
      'script-src',
      'nonce',
      'timeout',
      'theme',
      'accent-color',
      'locale',
      'placeholder',
      'greeting',
      'frame-title',
      'initial-thread',
      'persist-thread',
      'loading',
      'launcher',
      'open',
      'state',
      'api-url',
      'domain-key',
      'upload-url',
      'client-tool-events',
      'widget-action-events',
      'options',
    ].sort(),
  );
  const apiFetch = element.members.find((/** @type {any} */ m) => m.name === 'apiFetch');
  assert.equal(apiFetch?.type?.text, 'typeof fetch | undefined');
  assert.deepEqual(element.attributes.find((/** @type {any} */ a) => a.name === 'theme').type, { text: "'light' | 'dark' | 'auto'" });
  assert.deepEqual(element.slots.map((/** @type {any} */ s) => s.name), ['loading', 'error', 'launcher']);
  assert.deepEqual(element.cssParts.map((/** @type {any} */ p) => p.name), ['chatkit', 'error', 'retry-button', 'launcher', 'panel']);
});

test('the manifest lists every ChatKit event under its dotted name and its dashed twin, typed', () => {
  const events = new Map(element.events.map((/** @type {any} */ e) => [e.name, e.type?.text]));
  assert.equal(events.get('managed-chatkit-statechange'), 'CustomEvent<StateChangeDetail>');
  assert.equal(events.get('managed-chatkit-error'), 'CustomEvent<ManagedChatKitErrorDetail>');
  assert.equal(events.get('managed-chatkit-client-tool'), 'CustomEvent<ClientToolDetail>');
  assert.equal(events.get('managed-chatkit-widget-action'), 'CustomEvent<WidgetActionDetail>');
  const chatkit = [...events.keys()].filter((name) => name.startsWith('chatkit.'));
  assert.equal(chatkit.length, 13);
  for (const name of chatkit) assert.equal(events.get(name.replaceAll('.', '-')), events.get(name), `${name} has no dashed twin of the same type`);
  assert.equal(events.get('chatkit-thread-change'), 'CustomEvent<{ threadId: string | null }>');
  assert.equal(element.events.length, 4 + 13 * 2);
});
