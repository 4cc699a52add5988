// @ts-check
/**
 * README's API reference, generated from custom-elements.json: attributes, properties, methods, events, slots, parts
 * and CSS custom properties of every element, written between `<!-- api:start -->` and `<!-- api:end -->`.
 *
 *   node scripts/api-tables.mjs           rewrite README.md (only between the markers)
 *   node scripts/api-tables.mjs --check   exit 1 when README.md's tables differ from the manifest
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const START = '<!-- api:start -->';
export const END = '<!-- api:end -->';

/** Markdown for one table cell: code spans and text with `|` escaped and newlines folded. */
const cell = (/** @type {string | undefined} */ text) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const code = (/** @type {string | undefined} */ text) => (text ? `\`${cell(text)}\`` : '');

/** @param {string[]} headers @param {string[][]} rows */
function table(headers, rows) {
  if (!rows.length) return '';
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** The API reference of every custom element in `manifest`, as markdown. */
export function apiTables(/** @type {any} */ manifest) {
  const elements = manifest.modules.flatMap((/** @type {any} */ mod) => (mod.declarations ?? []).filter((/** @type {any} */ d) => d.customElement && d.tagName));
  let out = '<!-- Generated from custom-elements.json by scripts/api-tables.mjs (npm run manifest). Do not edit by hand. -->\n';
  for (const el of elements) {
    const members = /** @type {any[]} */ (el.members ?? []).filter((m) => m.privacy !== 'private' && m.privacy !== 'protected' && !m.name.startsWith('#'));
    out += `\n## API: \`<${el.tagName}>\`\n\n${cell(el.description)}\n`;

    const attributes = (el.attributes ?? []).map((/** @type {any} */ a) => {
      const field = members.find((m) => m.name === a.fieldName);
      return [code(a.name), a.fieldName ? code(a.fieldName) + (field?.readonly ? ' (read-only)' : '') : '', code(a.type?.text), cell(a.description)];
    });
    out += section('Attributes', table(['Attribute', 'Property', 'Type', 'Description'], attributes));

    const properties = members
      .filter((m) => m.kind === 'field' && !m.static && !(el.attributes ?? []).some((/** @type {any} */ a) => a.fieldName === m.name))
      .map((m) => [code(m.name) + (m.readonly ? ' (read-only)' : ''), code(m.type?.text), cell(m.description)]);
    out += section('Properties without an attribute', table(['Property', 'Type', 'Description'], properties));

    const methods = members
      .filter((m) => m.kind === 'method')
      .map((m) => {
        const params = (m.parameters ?? []).map((/** @type {any} */ p) => `${p.rest ? '...' : ''}${p.name}${p.optional || p.default ? '?' : ''}${p.type?.text ? `: ${p.type.text}` : ''}`);
        const name = `${m.static ? `${el.name}.` : ''}${m.name}(${params.join(', ')})${m.return?.type?.text ? `: ${m.return.type.text}` : ''}`;
        return [code(name), cell(m.description)];
      });
    out += section('Methods', table(['Method', 'Description'], methods));

    // An event and its dashed twin (`chatkit.thread.change` / `chatkit-thread-change`) share one row.
    const events = /** @type {any[]} */ (el.events ?? []).filter((e) => e.name);
    const twins = new Set(events.filter((e) => e.name.includes('.')).map((e) => e.name.replaceAll('.', '-')));
    const eventRows = events
      .filter((e) => !twins.has(e.name))
      .map((e) => {
        const names = e.name.includes('.') ? `${code(e.name)} / ${code(e.name.replaceAll('.', '-'))}` : code(e.name);
        return [names, code(e.type?.text), cell(e.description)];
      });
    const eventNote = twins.size ? 'Each ChatKit event reaches the host once under its dotted name and once under its dashed twin.\n\n' : '';
    out += section('Events', eventNote + table(['Event', 'Type', 'Description'], eventRows));

    out += section('Slots', table(['Slot', 'Description'], (el.slots ?? []).map((/** @type {any} */ s) => [s.name ? code(s.name) : '(default)', cell(s.description)])));
    out += section('CSS parts', table(['Part', 'Description'], (el.cssParts ?? []).map((/** @type {any} */ p) => [code(p.name), cell(p.description)])));
    out += section(
      'CSS custom properties',
      table(['Property', 'Description'], (el.cssProperties ?? []).map((/** @type {any} */ p) => [code(p.name), cell(p.description) + (p.default ? ` Default ${code(p.default)}.` : '')])),
    );
  }
  return out;
}

function section(/** @type {string} */ title, /** @type {string} */ body) {
  return body.trim() ? `\n### ${title}\n\n${body}` : '';
}

/** `readme` with the text between the api markers replaced by `tables`. */
export function withTables(/** @type {string} */ readme, /** @type {string} */ tables) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${tables}${readme.slice(end)}`;
}

/** README.md as it should be for the committed manifest. */
export function expectedReadme() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
  return withTables(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), apiTables(manifest));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const readmePath = path.join(root, 'README.md');
  const current = fs.readFileSync(readmePath, 'utf8');
  const expected = expectedReadme();
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      console.error('README.md API tables differ from custom-elements.json: run `npm run manifest`.');
      process.exit(1);
    }
  } else if (current !== expected) {
    fs.writeFileSync(readmePath, expected);
    console.log('README.md: API tables updated from custom-elements.json.');
  }
}
