// @ts-check
/** docs/hosts.md shows the host examples exactly as the tests run them (else: npm run docs). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { expectedHostsDoc, expectedReadme, extract } from '../../scripts/hosts-doc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const doc = fs.readFileSync(path.join(root, 'docs/hosts.md'), 'utf8');

test("docs/hosts.md's snippets are the tested examples (else: npm run docs)", () => {
  assert.equal(doc, expectedHostsDoc(), 'docs/hosts.md is out of date: run `npm run docs`');
});

test("README.md's host snippets are the tested examples (else: npm run docs)", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.equal(readme, expectedReadme(), 'README.md is out of date: run `npm run docs`');
  for (const source of ['test/fixtures/cms-snippet.html#cms', 'test/browser/hosts/vue.test.ts#vue-component', 'test/browser/hosts/SveltePanel.svelte#svelte', 'test/browser/hosts/angular.test.ts#angular-component', 'test/browser/hosts/plain-js.test.ts#plain-js']) {
    assert.ok(readme.includes(`<!-- snippet ${source} -->`), `README.md does not show ${source}`);
  }
});

test('docs/hosts.md has a section and a tested snippet for every host', () => {
  const sections = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(sections, [
    'Script tag: static sites and CMS pages',
    "Vue's global build (no bundler)",
    'Vue 3',
    'Svelte 5',
    'Angular',
    'Plain JavaScript',
    'React 19',
    'Preact 10',
    'htmx 2',
    'Turbo 8 Drive',
    'Alpine 3',
    'JSX typings (React 19, Preact, Solid)',
    'Editors',
  ]);
  const sources = [...doc.matchAll(/<!-- snippet (\S+) -->/g)].map((m) => m[1]);
  for (const source of [
    'test/fixtures/cms-snippet.html#cms',
    'test/fixtures/vue-global.html#vue-global-app',
    'test/browser/hosts/vue.test.ts#vue-component',
    'test/browser/hosts/SveltePanel.svelte#svelte',
    'test/browser/hosts/angular.test.ts#angular-component',
    'test/browser/hosts/plain-js.test.ts#plain-js',
    'test/browser/hosts/react.test.ts#react-component',
    'test/browser/hosts/react.test.ts#react-ssr',
    'test/browser/hosts/preact.test.ts#preact-component',
    'test/browser/hosts/htmx.test.ts#htmx-morph',
    'test/fixtures/turbo/a.html#turbo-a',
    'test/browser/hosts/alpine.test.ts#alpine',
  ]) {
    assert.ok(sources.includes(source), `${source} is not shown`);
  }
});

test('snippets show the package name, not the repository path, in imports', () => {
  assert.match(extract('test/browser/hosts/SveltePanel.svelte', 'svelte'), /from 'managed-chatkit';/);
  assert.doesNotMatch(doc, /src\/index\.js/);
});
