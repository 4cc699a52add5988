/**
 * Times ChatKit from mount to `chatkit.ready`. The clock stops while ChatKit waits for something the element owes it
 * (a client secret: that request has its own timeout and its own error) and restarts in full once that settles, so a
 * slow session endpoint is reported as a session problem, never as ChatKit's.
 */
export class ReadinessWatchdog {
  readonly #onTimeout: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ms = 0;
  #waits = 0;
  /** Incremented by start/stop: a wait that settles after them belongs to an older mount and is ignored. */
  #generation = 0;
  #armed = false;

  constructor(onTimeout: () => void) {
    this.#onTimeout = onTimeout;
  }

  /** Starts the clock: `onTimeout` runs after `ms` unless {@link stop} comes first. */
  start(ms: number): void {
    this.stop();
    this.#armed = true;
    this.#ms = ms;
    this.#schedule();
  }

  /** Stops the clock for good (ready, failed, or unmounted). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#armed = false;
    this.#waits = 0;
    this.#generation++;
  }

  /** ChatKit waits for `promise`: the clock stands still until it settles. Returns `promise`. */
  hold<T>(promise: Promise<T>): Promise<T> {
    if (!this.#armed) return promise;
    const generation = this.#generation;
    this.#waits++;
    clearTimeout(this.#timer);
    const settle = () => {
      if (generation !== this.#generation || --this.#waits > 0) return;
      this.#schedule();
    };
    promise.then(settle, settle);
    return promise;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#armed = false;
      this.#onTimeout();
    }, this.#ms);
  }
}
