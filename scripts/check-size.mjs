// Gzip sizes of the browser files against their budgets and issue 13's goals; exits non-zero when a budget is exceeded.
// Run after `npm run build`.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { relativeImports } from './relative-imports.mjs';

const DIST = 'dist';
const FIRST_STAGE = 'managed-chatkit.js';

/**
 * Budgets in bytes, gzip level 9. The first stage's budget is its goal: everything before the first request leaves.
 * The default embed is the first stage plus the chunks every element loads (found from the build's import edges below):
 * in custom-backend mode (your own ChatKit server, the mode that outlives Agent Builder), and in hosted mode, which
 * adds the session client. On-demand chunks (launcher, locale table, failure wording…) are listed on their own.
 */
const BUDGETS = {
  firstStage: { budget: 3_584, goal: 3_584 },
  customEmbed: { budget: 11_100, goal: 8_192 },
  hostedEmbed: { budget: 12_250, goal: 8_192 },
  launcher: { budget: 1_330 },
  failureWording: { budget: 2_300 },
  onDemand: { budget: 1_100 }, // each
  classic: { budget: 15_800 }, // everything inlined, the failure wording (+740 B: each reason named where it is thrown and where it is worded) included
};

const files = readdirSync(DIST).filter((name) => name.endsWith('.js'));
const gzip = (name) => gzipSync(readFileSync(`${DIST}/${name}`), { level: 9 }).length;
const sizes = Object.fromEntries(files.map((name) => [name, gzip(name)]));

/** The relative imports of a built file: static ones (loaded with it) and dynamic ones (loaded on demand). */
function edges(name) {
  return relativeImports(readFileSync(`${DIST}/${name}`, 'utf8'));
}

/** A file and everything it imports statically. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const next of edges(name).statics) closure(next, seen);
  return seen;
}

const first = edges(FIRST_STAGE);
const controller = first.dynamics.find((name) => name.includes('controller'));
const launcher = first.dynamics.find((name) => name.includes('launcher'));
if (!controller || !launcher) throw new Error(`check-size: ${FIRST_STAGE} no longer imports its controller and launcher chunks`);
const session = edges(controller).dynamics.find((name) => name.includes('session'));
const wording = edges(controller).dynamics.find((name) => name.includes('failure'));
if (!session || !wording) throw new Error('check-size: the controller no longer imports the session client and failure wording chunks');
const custom = new Set([...closure(FIRST_STAGE), ...closure(controller)]);
const hosted = new Set([...custom, ...closure(session)]);
const onDemand = files.filter((name) => !hosted.has(name) && ![launcher, wording, 'managed-chatkit.classic.js', 'managed-chatkit.bundle.js'].includes(name));
const total = (set) => [...set].reduce((sum, name) => sum + sizes[name], 0);

const rows = [
  ['first stage', FIRST_STAGE, sizes[FIRST_STAGE], BUDGETS.firstStage],
  ['default embed, custom mode', [...custom].join(' + '), total(custom), BUDGETS.customEmbed],
  ['default embed, hosted mode', `… + ${session}`, total(hosted), BUDGETS.hostedEmbed],
  ['launcher (on demand)', launcher, sizes[launcher], BUDGETS.launcher],
  ['failure wording (on the first failure)', wording, sizes[wording], BUDGETS.failureWording],
  ...onDemand.map((name) => ['on demand', name, sizes[name], BUDGETS.onDemand]),
  ['classic build (one file)', 'managed-chatkit.classic.js', sizes['managed-chatkit.classic.js'], BUDGETS.classic],
];

let failed = false;
for (const [what, name, size, { budget, goal }] of rows) {
  const over = size > budget;
  failed ||= over;
  const goalText = goal === undefined ? '' : size <= goal ? `, goal ${goal} B met` : `, goal ${goal} B NOT met (${size - goal} B over)`;
  console.log(`${over ? '✗' : '✓'} ${what}: ${size} B gzip, budget ${budget} B${goalText} — ${name}`);
}
if (failed) {
  console.error('Size budget exceeded: shrink the change, or raise the budget in scripts/check-size.mjs with a reason.');
  process.exit(1);
}
