import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadinessWatchdog } from '../../src/readiness-watchdog.js';

describe('ReadinessWatchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const deferred = () => {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    promise.catch(() => {});
    return { promise, resolve, reject };
  };

  it('fires once after the timeout unless stopped', () => {
    const fired = vi.fn();
    const watchdog = new ReadinessWatchdog(fired);
    watchdog.start(1000);
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(fired).toHaveBeenCalledTimes(1);

    const stopped = vi.fn();
    const other = new ReadinessWatchdog(stopped);
    other.start(1000);
    other.stop();
    vi.advanceTimersByTime(5000);
    expect(stopped).not.toHaveBeenCalled();
  });

  it('stands still while a held promise is pending and restarts in full once it settles', async () => {
    const fired = vi.fn();
    const watchdog = new ReadinessWatchdog(fired);
    watchdog.start(1000);
    vi.advanceTimersByTime(900);
    const secret = deferred();
    watchdog.hold(secret.promise);
    vi.advanceTimersByTime(10_000);
    expect(fired).not.toHaveBeenCalled();
    secret.resolve();
    await vi.advanceTimersByTimeAsync(999);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('waits for every held promise, rejected ones included', async () => {
    const fired = vi.fn();
    const watchdog = new ReadinessWatchdog(fired);
    watchdog.start(100);
    const a = deferred();
    const b = deferred();
    watchdog.hold(a.promise);
    watchdog.hold(b.promise);
    a.reject(new Error('no'));
    await vi.advanceTimersByTimeAsync(500);
    expect(fired).not.toHaveBeenCalled();
    b.resolve();
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('ignores a hold that settles after stop or a new start, and holds nothing while not started', async () => {
    const fired = vi.fn();
    const watchdog = new ReadinessWatchdog(fired);
    const stale = deferred();
    watchdog.hold(stale.promise); // not started: no effect
    watchdog.start(100);
    const old = deferred();
    watchdog.hold(old.promise);
    watchdog.start(100); // a rebuilt ChatKit: the old wait no longer counts
    old.resolve();
    stale.resolve();
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).toHaveBeenCalledTimes(1);
    watchdog.stop();
    const late = deferred();
    watchdog.hold(late.promise);
    late.resolve();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).toHaveBeenCalledTimes(1);
  });
});
