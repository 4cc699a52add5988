// @ts-check
/**
 * Keeps the code in docs/hosts.md identical to the tested examples it shows. A line
 *
 *   <!-- snippet test/browser/hosts/vue.test.ts#vue-app -->
 *
 * followed by a fenced code block gets that block's body replaced by the lines between `snippet:start vue-app` and
 * `snippet:end vue-app` in the file (dedented; the repository-relative import of `src/index.js` shown as the package
 * name `managed-chatkit`). Without `#name`, the whole file.
 *
 *   node scripts/hosts-doc.mjs           rewrite docs/hosts.md
 *   node scripts/hosts-doc.mjs --check   exit 1 when docs/hosts.md differs from the tested examples
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(root, 'docs/hosts.md');
/** Every document that shows tested snippets. */
const DOCS = [DOC, path.join(root, 'README.md')];

/** The lines of `file` between the `snippet:start name` and `snippet:end name` markers, dedented. */
export function extract(/** @type {string} */ file, /** @type {string | undefined} */ name) {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').replace(/\n$/, '').split('\n');
  let body = lines;
  if (name) {
    const start = lines.findIndex((line) => line.includes(`snippet:start ${name}`));
    const end = lines.findIndex((line, i) => i > start && line.includes(`snippet:end ${name}`));
    if (start === -1 || end === -1) throw new Error(`${file}: no snippet:start/snippet:end ${name}`);
    body = lines.slice(start + 1, end);
  }
  const indent = Math.min(...body.filter((line) => line.trim()).map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return body
    .map((line) => line.slice(indent))
    .join('\n')
    .replace(/(['"])(?:\.\.\/)+src\/index\.js\1/g, "'managed-chatkit'");
}

/** `doc` with every snippet block refreshed from its source. */
export function refresh(/** @type {string} */ doc) {
  return doc.replace(/^(<!-- snippet ([^#\s]+)(?:#(\S+))? -->\n```[^\n]*\n)[\s\S]*?^```$/gm, (_, head, file, name) => `${head}${extract(file, name)}\n\`\`\``);
}

export const expectedHostsDoc = () => refresh(fs.readFileSync(DOC, 'utf8'));
export const expectedReadme = () => refresh(fs.readFileSync(DOCS[1], 'utf8'));

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of DOCS) {
    const current = fs.readFileSync(file, 'utf8');
    const expected = refresh(current);
    const name = path.relative(root, file);
    if (process.argv.includes('--check')) {
      if (current !== expected) {
        console.error(`${name} differs from the tested examples: run \`npm run docs\`.`);
        process.exitCode = 1;
      }
    } else if (current !== expected) {
      fs.writeFileSync(file, expected);
      console.log(`${name}: snippets refreshed from the tested examples.`);
    }
  }
}
