/**
 * The memory part of `npm run bench` (scripts/bench.ts): `<managed-chatkit>` connected until ready and disconnected,
 * over and over, in a Chromium of its own driven over a bare CDP pipe; heap, DOM nodes and listeners after forced GCs.
 *
 * Two ways to cycle, each in its own browser so neither warms the other up:
 * - `reused`: one element, connected and disconnected again and again (a tab switcher, a router keeping the node);
 * - `fresh`: a new element per cycle — create, connect, wait until ready, disconnect, drop it (a router that renders
 *   the element anew on every visit). Whatever an element leaves behind in a global (a listener on window or
 *   document, a registry entry, a timer) piles up here, one per cycle, where the reused element would hide it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** How the cycles run: the same element every time, or a new one per cycle. */
export type CycleMode = 'reused' | 'fresh';

export interface MemorySnapshot {
  cycles: number;
  heapUsed: number;
  nodes: number;
  jsEventListeners: number;
  documents: number;
  listenersWindow: number;
  listenersDocument: number;
  /** Listeners on the reused element; `null` in `fresh` mode (no element is kept). */
  listenersElement: number | null;
}

/** Self sizes from a heap snapshot, in bytes. */
export interface HeapComposition {
  /** Compiled code and its metadata (the engine optimising hot functions). */
  code: number;
  /** Resource Timing entries (the browser keeps the first 250 of a page). */
  resourceTiming: number;
  /** Everything else: the page's objects, DOM, strings — where a leak in the element would show. */
  rest: number;
  /** `rest` by kind: `Name` for objects and DOM (their constructor), `Name()` for closures, `(type)` otherwise. */
  restByKind: Map<string, number>;
}

export interface CycleResult {
  mode: CycleMode;
  /** After 0 cycles, then after each count asked for, then (when there was time) after the extra cycles. */
  snapshots: MemorySnapshot[];
  /** Heap snapshot self sizes: after the last count − after the first. */
  growth: HeapComposition;
  /** The same for the extra cycles: after them − after the last count (`null` when they did not run). */
  laterGrowth: HeapComposition | null;
  /** /start requests during the counted cycles (one per cycle when every cycle got its own session). */
  requests: number;
  /** Seconds spent cycling up to the last count (not counting GCs and snapshots). */
  seconds: number;
  /** Whether the extra cycles ran (their snapshot is the last one). */
  extraTaken: boolean;
}

export interface CycleOptions {
  mode: CycleMode;
  /** The cycles page ({@link CYCLES_BODY}) of a bench run whose script and session answer at once. */
  url: string;
  /** /start requests the run has received so far. */
  startRequests: () => number;
  /** Cycle totals to take a snapshot after, ascending; heap snapshots are taken at the first and the last. */
  counts: number[];
  /** More cycles after the last count, to tell warm-up (stops) from a leak (keeps growing)… */
  extra: number;
  /** …run only when this says there is time left. */
  extraWanted: () => boolean;
  chromium: string;
  launchArgs: string[];
}

/**
 * The body of the cycles page (the bundle is loaded in its head): `window.cycleReused(n)` and `window.cycleFresh(n)`
 * run n cycles each, `window.benchElement` is the reused element, `window.benchReady` is set once the page can cycle.
 */
export const CYCLES_BODY = `<div id="root"></div>
<script type="module">
await customElements.whenDefined('managed-chatkit');
const root = document.getElementById('root');
const create = () => {
  const element = document.createElement('managed-chatkit');
  for (const [name, value] of [['script-src', 'chatkit.js'], ['start-url', 'start'], ['refresh-url', 'refresh']]) element.setAttribute(name, value);
  element.style.height = '200px';
  return element;
};
const ready = (element) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('cycle: state stayed ' + element.state)), 5000);
  const onChange = () => {
    if (element.state !== 'ready') return;
    clearTimeout(timer);
    element.removeEventListener('managed-chatkit-statechange', onChange);
    resolve();
  };
  element.addEventListener('managed-chatkit-statechange', onChange);
});
const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// One cycle: connect, wait until ChatKit holds a secret and is ready, disconnect, and let the task end — the element
// tears ChatKit down after the task that disconnected it (a reconnect within that task is a move that keeps ChatKit).
const cycle = async (element) => {
  const done = ready(element);
  root.append(element);
  await done;
  element.remove();
  await later(0);
};
window.benchElement = create();
window.cycleReused = async (n) => {
  for (let i = 0; i < n; i++) await cycle(window.benchElement);
  await later(50);
};
// A new element per cycle; nothing here keeps a reference to it once it is disconnected.
window.cycleFresh = async (n) => {
  for (let i = 0; i < n; i++) await cycle(create());
  await later(50);
};
window.benchReady = true;
</script>`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A minimal CDP client over `--remote-debugging-pipe` (messages are JSON separated by NUL bytes), for the memory
 * check only. Playwright enables CDP's Network domain on every page, and DevTools then keeps a record of each request
 * (blink::NetworkResourcesData, ~300 bytes with its strings) — 1000 connect cycles mean 1000 such records in the heap
 * being measured. A browser driven over a bare pipe, with no Network domain enabled, has none of that.
 */
class PipeCdp {
  readonly #write: Writable;
  readonly #pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void; method: string }>();
  readonly #listeners = new Set<(message: { method: string; params: unknown; sessionId?: string }) => void>();
  #next = 0;
  #buffer = '';

  constructor(write: Writable, read: Readable) {
    this.#write = write;
    read.setEncoding('utf8');
    read.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let end = this.#buffer.indexOf('\0'); end >= 0; end = this.#buffer.indexOf('\0')) {
        const message = JSON.parse(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 1);
        const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (pending) {
          this.#pending.delete(message.id);
          if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
          else pending.resolve(message.result);
        } else if (message.method) for (const listener of this.#listeners) listener(message);
      }
    });
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = ++this.#next;
    this.#write.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise<T>((resolve, reject) => this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject, method }));
  }

  on(listener: (message: { method: string; params: unknown; sessionId?: string }) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Takes a heap snapshot (after a GC) and sums self sizes by {@link HeapComposition} bucket. */
async function heapComposition(cdp: PipeCdp, sessionId: string): Promise<HeapComposition> {
  const chunks: string[] = [];
  const stop = cdp.on((message) => {
    if (message.sessionId === sessionId && message.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push((message.params as { chunk: string }).chunk);
  });
  try {
    await cdp.send('HeapProfiler.collectGarbage', {}, sessionId);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, sessionId);
  } finally {
    stop();
  }
  const snapshot = JSON.parse(chunks.join('')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const result: HeapComposition = { code: 0, resourceTiming: 0, rest: 0, restByKind: new Map() };
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const size = snapshot.nodes[i + sizeAt];
    const type = types[snapshot.nodes[i + typeAt]];
    const name = snapshot.strings[snapshot.nodes[i + nameAt]];
    if (type === 'code') result.code += size;
    else if (name === 'PerformanceResourceTiming') result.resourceTiming += size;
    else {
      result.rest += size;
      const kind = type === 'object' || type === 'native' ? name : type === 'closure' ? `${name || '(anonymous)'}()` : `(${type})`;
      result.restByKind.set(kind, (result.restByKind.get(kind) ?? 0) + size);
    }
  }
  return result;
}


/** `to` − `from`, bucket by bucket. */
function compositionGrowth(from: HeapComposition, to: HeapComposition): HeapComposition {
  const restByKind = new Map<string, number>();
  for (const kind of new Set([...from.restByKind.keys(), ...to.restByKind.keys()])) {
    restByKind.set(kind, (to.restByKind.get(kind) ?? 0) - (from.restByKind.get(kind) ?? 0));
  }
  return { code: to.code - from.code, resourceTiming: to.resourceTiming - from.resourceTiming, rest: to.rest - from.rest, restByKind };
}

/** Connect/disconnect cycles in a Chromium of its own, driven over a bare CDP pipe (see {@link PipeCdp}). */
export async function connectCycles(options: CycleOptions): Promise<CycleResult> {
  const { mode, counts } = options;
  const profile = mkdtempSync(join(tmpdir(), 'managed-chatkit-bench-'));
  const child = spawn(options.chromium, [...options.launchArgs, '--headless', '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cdp = new PipeCdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  try {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const evaluate = async (expression: string, awaitPromise = false) => {
      const answer = await cdp.send<{ result: { value?: unknown; objectId?: string }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
        'Runtime.evaluate',
        { expression, awaitPromise, returnByValue: false },
        sessionId,
      );
      if (answer.exceptionDetails) throw new Error(`${expression}: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
      return answer.result;
    };
    await cdp.send('Page.navigate', { url: options.url }, sessionId);
    for (const until = performance.now() + 10_000; ; ) {
      const ready = await evaluate('window.benchReady === true').catch(() => ({ value: false }));
      if (ready.value === true) break;
      if (performance.now() > until) throw new Error('cycles page did not get ready');
      await sleep(50);
    }
    const objectId = async (expression: string) => {
      const result = await evaluate(expression);
      if (!result.objectId) throw new Error(`no object for ${expression}`);
      return result.objectId;
    };
    const ids = { window: await objectId('window'), document: await objectId('document'), element: mode === 'reused' ? await objectId('window.benchElement') : null };
    const listeners = async (objectId: string) =>
      (await cdp.send<{ listeners: unknown[] }>('DOMDebugger.getEventListeners', { objectId, depth: 0 }, sessionId)).listeners.length;
    const snapshot = async (count: number): Promise<MemorySnapshot> => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage', {}, sessionId);
      const heap = await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, sessionId);
      const counters = await cdp.send<{ documents: number; nodes: number; jsEventListeners: number }>('Memory.getDOMCounters', {}, sessionId);
      return {
        cycles: count,
        heapUsed: heap.usedSize,
        nodes: counters.nodes,
        jsEventListeners: counters.jsEventListeners,
        documents: counters.documents,
        listenersWindow: await listeners(ids.window),
        listenersDocument: await listeners(ids.document),
        listenersElement: ids.element ? await listeners(ids.element) : null,
      };
    };
    let cycling = 0;
    let done = 0;
    const cycleTo = async (total: number) => {
      const from = performance.now();
      await evaluate(`window.${mode === 'reused' ? 'cycleReused' : 'cycleFresh'}(${total - done})`, true);
      cycling += performance.now() - from;
      done = total;
    };
    const snapshots = [await snapshot(0)];
    let first: HeapComposition | undefined;
    let last: HeapComposition | undefined;
    for (const [index, count] of counts.entries()) {
      await cycleTo(count);
      snapshots.push(await snapshot(count));
      if (index === 0) first = await heapComposition(cdp, sessionId);
      if (index === counts.length - 1) last = await heapComposition(cdp, sessionId);
    }
    const growth = compositionGrowth(first!, last!);
    const seconds = cycling / 1000;
    const requests = options.startRequests();
    const extraTaken = options.extra > 0 && options.extraWanted();
    let laterGrowth: HeapComposition | null = null;
    if (extraTaken) {
      const total = done + options.extra;
      await cycleTo(total);
      snapshots.push(await snapshot(total));
      laterGrowth = compositionGrowth(last!, await heapComposition(cdp, sessionId));
    }
    return { mode, snapshots, growth, laterGrowth, requests, seconds, extraTaken };
  } finally {
    await Promise.race([cdp.send('Browser.close').catch(() => {}), sleep(3000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.race([exited, sleep(3000)]);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // Chromium's helpers may still be writing for a moment; a stray temporary profile is harmless.
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const signedKb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${kb(Math.abs(bytes))}`;
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n)}`;

/** Growth per cycle after warm-up below which the heap counts as settled (allocator noise, a few Blink objects). */
const SETTLED_BYTES_PER_CYCLE = 40;

/** Column headers of {@link memoryRows}. */
export const MEMORY_HEADERS = ['element', 'after cycles', 'JS heap used', 'DOM nodes', 'JS listeners (all)', 'documents', 'listeners window / document / element'];

/** One table row per snapshot. */
export function memoryRows(result: CycleResult): string[][] {
  return result.snapshots.map((snap) => [
    result.mode === 'reused' ? 'one, reused' : 'fresh per cycle',
    String(snap.cycles),
    kb(snap.heapUsed),
    String(snap.nodes),
    String(snap.jsEventListeners),
    String(snap.documents),
    `${snap.listenersWindow} / ${snap.listenersDocument} / ${snap.listenersElement ?? '—'}`,
  ]);
}

/** Blink's template names shortened to the container and the first Blink type it holds: `Backing<…MediaQueryList…>`. */
function shortKind(kind: string): string {
  const open = kind.indexOf('<');
  if (open < 0) return kind;
  const held = /blink::((?!Heap|Hash|KeyValue|VectorBacked)\w+)/.exec(kind.slice(open));
  return `${kind.slice(0, open)}<${held ? `…${held[1]}…` : '…'}>`;
}

/** The growth by bucket, and the kinds that grew most among "everything else". */
function whereItWent(growth: HeapComposition): string {
  const top = [...growth.restByKind]
    .filter(([, size]) => size >= 2048)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([kind, size]) => `${shortKind(kind)} ${signedKb(size)}`);
  return (
    `compiled code ${signedKb(growth.code)} (V8 optimising hot functions), Resource Timing entries ${signedKb(growth.resourceTiming)} (the browser keeps a page's first 250), ` +
    `everything else ${signedKb(growth.rest)}${top.length ? ` (most: ${top.join(', ')})` : ''}`
  );
}

/**
 * Warm-up or leak, from the growth per cycle over the extra cycles: settled below {@link SETTLED_BYTES_PER_CYCLE};
 * still warming up when compiled code is most of it and everything else is below the threshold per cycle.
 */
function verdict(perCycle: number, growth: HeapComposition | null, cycles: number): string {
  if (Math.abs(perCycle) < SETTLED_BYTES_PER_CYCLE) return 'the growth has stopped: warm-up, not a leak';
  const restPerCycle = growth ? (growth.rest + growth.resourceTiming) / cycles : Infinity;
  if (growth && growth.code > growth.rest && restPerCycle < SETTLED_BYTES_PER_CYCLE) {
    return `still growing, but it is compiled code (V8 still optimising: warm-up); everything else ${signed(Math.round(restPerCycle))} B per cycle`;
  }
  return `still growing: look for a leak${growth ? ` (everything but compiled code ${signed(Math.round(restPerCycle))} B per cycle)` : ''}`;
}

/** What a run says: growth between the first and the last count, where it went, and whether it stopped. */
export function memoryLines(result: CycleResult, skippedExtra: string): string[] {
  const { snapshots, growth } = result;
  const label = result.mode === 'reused' ? 'One element reused' : 'A fresh element per cycle';
  const first = snapshots[1];
  const last = snapshots[snapshots.length - (result.extraTaken ? 2 : 1)];
  const extra = result.extraTaken ? snapshots[snapshots.length - 1] : undefined;
  const cycles = last.cycles - first.cycles;
  const perCycle = (last.heapUsed - first.heapUsed) / cycles;
  const lines = [
    `${label}, ${last.cycles} vs ${first.cycles} cycles: heap ${signedKb(last.heapUsed - first.heapUsed)} (${signed(Math.round(perCycle))} B per cycle), DOM nodes ${signed(last.nodes - first.nodes)}, JS listeners ${signed(last.jsEventListeners - first.jsEventListeners)} (window ${signed(last.listenersWindow - first.listenersWindow)}, document ${signed(last.listenersDocument - first.listenersDocument)}); the first ${last.cycles} cycles (${result.requests} /start requests) took ${result.seconds.toFixed(1)} s.`,
    `Where it went (heap snapshots after ${first.cycles} and ${last.cycles} cycles, self sizes): ${whereItWent(growth)} (snapshots also count Blink objects that the heap figure leaves out, so these add up to more).`,
  ];
  if (extra) {
    const later = (extra.heapUsed - last.heapUsed) / (extra.cycles - last.cycles);
    lines.push(
      `${last.cycles} → ${extra.cycles} cycles: heap ${signedKb(extra.heapUsed - last.heapUsed)} (${signed(Math.round(later))} B per cycle), DOM nodes ${signed(extra.nodes - last.nodes)}, JS listeners ${signed(extra.jsEventListeners - last.jsEventListeners)} — ${verdict(later, result.laterGrowth, extra.cycles - last.cycles)}` +
        (result.laterGrowth ? `; snapshots: ${whereItWent(result.laterGrowth)}.` : '.'),
    );
  } else lines.push(`${last.cycles} → more cycles: skipped, ${skippedExtra}.`);
  return lines;
}
