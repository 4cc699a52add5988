/**
 * Content comparison of option sets, so a framework re-render with an inline `options={{…}}` literal does not
 * resend `setOptions`. Functions are replaced by one stable wrapper per path that calls the latest function at that
 * path: a new arrow function per render changes nothing ChatKit sees, and it still calls the newest one.
 */
export class StableOptions {
  readonly #latest = new Map<string, Function>();
  readonly #wrappers = new Map<string, Function>();
  #last: unknown = undefined;
  #sent = false;

  /**
   * `options` with every function swapped for its stable wrapper, or `null` when its content equals the last set
   * returned (call `reset()` to make the next one count as new, e.g. for a fresh ChatKit).
   */
  next<T extends object>(options: T): T | null {
    const stable = this.#stabilize(options, '') as T;
    if (this.#sent && deepEqual(stable, this.#last)) return null;
    this.#last = stable;
    this.#sent = true;
    return stable;
  }

  /** Forgets the last set sent: the next `next()` returns its argument. */
  reset(): void {
    this.#sent = false;
    this.#last = undefined;
  }

  #stabilize(value: unknown, path: string): unknown {
    // ChatKit's `api` is built by the element (its functions are already stable): kept as is, compared by content.
    if (path === '.api') return value;
    if (typeof value === 'function') {
      this.#latest.set(path, value);
      let wrapper = this.#wrappers.get(path);
      if (!wrapper) {
        const latest = this.#latest;
        wrapper = function (this: unknown, ...args: unknown[]) {
          return latest.get(path)!.apply(this, args);
        };
        this.#wrappers.set(path, wrapper);
      }
      return wrapper;
    }
    if (Array.isArray(value)) return value.map((item, index) => this.#stabilize(item, `${path}[${index}]`));
    if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = this.#stabilize(item, `${path}.${key}`);
      return copy;
    }
    return value;
  }
}

/** Structural equality of JSON-like values; anything else (functions, class instances) by identity. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a).filter((key) => a[key] !== undefined);
  if (keys.length !== Object.keys(b).filter((key) => b[key] !== undefined).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
