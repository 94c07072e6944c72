/** Thrown at a start-up checkpoint once a stop was requested, so start-up ends and teardown begins. */
export class StopRequested extends Error {
  override readonly name = 'StopRequested';
}

interface Release {
  readonly name: string;
  readonly release: () => Promise<void>;
}

/**
 * Pairs every acquire with a release: each resource is adopted the moment it exists, and teardown releases
 * them newest first (the worker before the feed and Firestore it uses), however start-up ended.
 */
export class Lifecycle {
  readonly stopped: Promise<string>;
  private readonly releases: Release[] = [];
  private reason: string | undefined;
  private wake!: (reason: string) => void;

  constructor() {
    this.stopped = new Promise((resolve) => (this.wake = resolve));
  }

  get stopping(): boolean {
    return this.reason !== undefined;
  }

  /** The first request wins; later ones are ignored (the caller decides what a second Ctrl-C means). */
  requestStop(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.wake(reason);
  }

  /** Between start-up steps: stop here if asked to. */
  checkpoint(): void {
    if (this.reason !== undefined) throw new StopRequested(this.reason);
  }

  adopt(name: string, release: () => Promise<void>): void {
    this.releases.push({ name, release });
  }

  /** Releases everything, newest first; a failing release is reported and the rest still run. */
  async releaseAll(onError: (name: string, error: unknown) => void): Promise<string[]> {
    const released: string[] = [];
    for (let next = this.releases.pop(); next !== undefined; next = this.releases.pop()) {
      try {
        await next.release();
        released.push(next.name);
      } catch (error) {
        onError(next.name, error);
      }
    }
    return released;
  }
}
