// @ts-check
/**
 * The relative imports of a built file of the element: `statics` load with it (`import … from "./x.js"`), `dynamics`
 * on demand (`import("./x.js")`), as file names in the same folder. The minified output quotes with backticks too.
 * Used by scripts/check-size.mjs (the default embed) and the package test (every import is in the tarball).
 * @param {string} code
 */
export function relativeImports(code) {
  const statics = [...code.matchAll(/(?:\bfrom|\bimport)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)].map((m) => m[1]);
  const dynamics = [...code.matchAll(/\bimport\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g)].map((m) => m[1]);
  return { statics, dynamics };
}
