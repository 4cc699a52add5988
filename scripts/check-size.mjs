// Gzip sizes of the browser files against their budgets; exits non-zero when one is over. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/**
 * Budgets in bytes, gzip level 9. See README "Performance" for why they are what they are. Raised by 1,385 / 1,370
 * bytes — exactly what custom-backend mode (api-url, its refusals) and the readiness watchdog cost (8,236 → 9,618 and
 * 13,543 → 14,910), keeping the headroom the budgets had before. Raised by 568 / 569 bytes for the script-gadget fix
 * (src/url-policy.ts: the origin allowlist for script-src, api-url and upload-url, its `<meta>`, the checking Trusted
 * Types policy; 9,618 → 10,186 and 14,910 → 15,479). Raised again by 1,720 / 1,699 bytes — what the
 * host fixes of issue 12 cost (options attribute, state kept true, moves, Turbo preview, options compared by content,
 * SupportedLocale mapping, warnings; 9,618 → 11,338 and 14,910 → 16,609), then by 365 / 370 for the Turbo visit
 * wait and client tool / widget action events (→ 11,703 and 16,979). With both merged: 12,264, 17,540 and the classic
 * build 17,525, each budget keeping the headroom it had (467 / 560 / 563).
 */
const budgets = [
  { file: 'dist/managed-chatkit.js', budget: 12_731, note: 'Lit external (for bundlers)' },
  { file: 'dist/managed-chatkit.bundle.js', budget: 18_100, note: 'Lit included (for a CDN <script type="module">)' },
  { file: 'dist/managed-chatkit.classic.js', budget: 18_088, note: 'Lit included, IIFE (classic <script> in <head>, defined before frameworks render)' },
];

let failed = false;
for (const { file, budget, note } of budgets) {
  const source = readFileSync(file);
  const gzip = gzipSync(source, { level: 9 }).length;
  const over = gzip > budget;
  failed ||= over;
  console.log(`${over ? '✗' : '✓'} ${file}: ${(gzip / 1024).toFixed(2)} KB gzip (${(source.length / 1024).toFixed(1)} KB raw), budget ${(budget / 1024).toFixed(2)} KB — ${note}`);
}
if (failed) {
  console.error('Size budget exceeded: shrink the change, or raise the budget in scripts/check-size.mjs with a reason.');
  process.exit(1);
}
