// @ts-check
/**
 * The package as npm would publish it: `npm pack`s the built tree once, then
 * - publint (strict) and Are The Types Wrong (ESM-only profile: the package is `"type": "module"` with no CommonJS
 *   build, so node10 and require-from-CJS resolutions are out of scope) find nothing;
 * - a fresh project installs the tarball (dependencies from the npm cache when present), imports
 *   `managed-chatkit/server` in Node, and type-checks test/package/consumer/*.ts(x) — the element, the server entry and
 *   the Vue, Svelte and JSX typings — with strict settings and skipLibCheck off: as a bundler-resolved browser app, and
 *   the server entry as a NodeNext Node project.
 * Needs `npm run build` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { relativeImports } from '../../scripts/relative-imports.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (/** @type {string} */ name) => path.join(root, 'node_modules', '.bin', name);
let work = '';
let tarball = '';

/** Runs a command; on failure the assertion shows its output. */
function run(/** @type {string} */ command, /** @type {string[]} */ args, /** @type {string} */ cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`.trim() };
}

before(() => {
  assert.ok(fs.existsSync(path.join(root, 'dist/managed-chatkit.js')), 'dist/ is missing: run `npm run build` first');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-chatkit-pack-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  tarball = path.join(work, packed[0].filename);
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the entry points and no test or config files', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  for (const file of [
    'package.json',
    'README.md',
    'custom-elements.json',
    'dist/managed-chatkit.js',
    'dist/managed-chatkit.bundle.js',
    'dist/managed-chatkit.classic.js',
    'dist/types/index.d.ts',
    'dist/types/vue.d.ts',
    'dist/types/svelte.d.ts',
    'dist/types/jsx.d.ts',
    'dist/server/index.js',
    'dist/server/index.d.ts',
    'dist/server/agents.js',
    'dist/server/agents.d.ts',
    'dist/vscode.html-custom-data.json',
  ]) {
    assert.ok(files.includes(file), `${file} is missing from the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(test|scripts|demo|node_modules)\//.test(f) || f.endsWith('.config.mjs') || f.endsWith('.test.ts')), []);
});

test("every relative import of the element's files (its chunks) is a file in the tarball", () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  const element = files.filter((f) => /^dist\/managed-chatkit[\w.-]*\.js$/.test(f));
  assert.ok(element.length > 3, `the element's files: ${element.join(', ')}`);
  const imports = [];
  for (const file of element) {
    const code = execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8' });
    const { statics, dynamics } = relativeImports(code);
    for (const target of [...statics, ...dynamics]) {
      imports.push(target);
      assert.ok(files.includes(`dist/${target}`), `${file} imports ./${target}, which is not in the tarball`);
    }
  }
  // The first stage's own chunks were among them (so the pattern still matches what the build writes).
  assert.ok(imports.includes('managed-chatkit.chatkit-controller.js') && imports.includes('managed-chatkit.launcher.js'), imports.join(', '));
});

test('publint --strict finds nothing in the tarball', () => {
  const { status, output } = run(bin('publint'), ['run', tarball, '--strict'], work);
  assert.equal(status, 0, output);
  assert.match(output, /All good!/);
});

test('Are The Types Wrong finds no problem for ESM consumers (node16 from ESM, bundler)', () => {
  // attw exits before a piped stdout drains past ~200 KB: it writes its report to a file instead.
  const reportFile = path.join(work, 'attw.json');
  const fd = fs.openSync(reportFile, 'w');
  spawnSync(bin('attw'), [tarball, '--format', 'json'], { cwd: work, stdio: ['ignore', fd, 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
  fs.closeSync(fd);
  const output = fs.readFileSync(reportFile, 'utf8');
  const report = JSON.parse(output.slice(output.indexOf('{')));
  const problems = report.analysis.problems.filter((/** @type {any} */ p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs');
  assert.deepEqual(problems, []);
  const entrypoints = Object.keys(report.analysis.entrypoints);
  assert.deepEqual(entrypoints.filter((e) => !e.endsWith('.json')), ['.', './bundle', './classic', './server', './server/agents', './vue', './svelte', './jsx']);
});

test('a fresh project installs the tarball, runs managed-chatkit/server in Node and type-checks every entry', { timeout: 240_000 }, () => {
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  // Without optional dependencies: the server entry must import and serve without the native better-sqlite3.
  const install = run('npm', ['install', tarball, '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
  assert.equal(install.status, 0, install.output);

  const server = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import * as server from 'managed-chatkit/server';
       const handler = server.createSessionHandler({ apiKey: 'sk-test', workflowId: 'wf_test' });
       const answer = await handler(new Request('http://localhost/api/chatkit/start', { method: 'GET' }));
       console.log(JSON.stringify({ exports: Object.keys(server).sort(), status: answer.status }));`,
    ],
    project,
  );
  assert.equal(server.status, 0, server.output);
  const seen = JSON.parse(server.output.split('\n').at(-1) ?? '');
  assert.deepEqual(
    seen.exports.filter((/** @type {string} */ name) => ['createSessionHandler', 'toNodeListener', 'chatkitSessions'].includes(name)),
    ['chatkitSessions', 'createSessionHandler', 'toNodeListener'],
  );
  assert.equal(seen.status, 405, 'GET on the start path is refused');

  // The host frameworks' own typings come from this repository's devDependencies (vite and @openai/agents: the optional
  // peers that the server entry's Vite plugin and createChatKitHandler's `agent` option types refer to).
  for (const name of ['vue', 'svelte', 'vite', '@openai/agents', '@types/node']) {
    fs.mkdirSync(path.dirname(path.join(project, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', name), path.join(project, 'node_modules', name), 'dir');
  }
  const consumer = path.join(root, 'test/package/consumer');
  for (const file of fs.readdirSync(consumer)) fs.copyFileSync(path.join(consumer, file), path.join(project, file));
  for (const config of ['tsconfig.json', 'tsconfig.node.json']) {
    const tsc = run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', config], project);
    assert.equal(tsc.status, 0, `${config}:\n${tsc.output}`);
  }
});
