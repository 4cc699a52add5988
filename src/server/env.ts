interface RuntimeGlobals {
  process?: { env?: Record<string, string | undefined> };
  Deno?: { env: { get(name: string): string | undefined } };
}

/**
 * Reads an environment variable at call time, on any runtime: `process.env` (Node, Bun, Deno's Node compat),
 * `Deno.env`, or nothing (Workers without `nodejs_compat` — pass the value as an option there).
 * Blank values count as unset.
 */
export function readEnv(name: string): string | undefined {
  const runtime = globalThis as RuntimeGlobals;
  let value = runtime.process?.env?.[name];
  if (value === undefined && runtime.Deno) {
    try {
      value = runtime.Deno.env.get(name);
    } catch {
      // --allow-env not granted: treat as unset, the caller's error names the variable.
    }
  }
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
