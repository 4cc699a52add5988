/**
 * Remembers the active ChatKit thread id in localStorage for `persist-thread`. Storage that is missing, full or
 * blocked (private mode, sandboxed frames) is ignored: persistence is a convenience, never a failure.
 */
export class ThreadStore {
  constructor(readonly key: string) {}

  /**
   * The storage key for a `persist-thread` value: the value itself, or one derived from the backend's URL (`start-url`,
   * or `api-url` for your own ChatKit server), so threads of different backends never mix.
   */
  static keyFor(persistThread: string, backendUrl: string): string {
    if (persistThread && persistThread !== 'true') return persistThread;
    let url = backendUrl;
    try {
      url = new URL(backendUrl, document.baseURI).href;
    } catch {
      // keep the raw attribute
    }
    return `managed-chatkit:thread:${url}`;
  }

  read(): string | null {
    try {
      return globalThis.localStorage?.getItem(this.key) || null;
    } catch {
      return null;
    }
  }

  write(threadId: string | null): void {
    try {
      if (threadId) globalThis.localStorage?.setItem(this.key, threadId);
      else globalThis.localStorage?.removeItem(this.key);
    } catch {
      // quota exceeded or storage blocked: nothing to do
    }
  }
}
