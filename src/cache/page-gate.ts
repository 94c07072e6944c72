import type { PageReading } from '../firestore/collection-group';
import type { Clock } from '../timing/clock';
import { withTimeout } from '../timing/timeout';

export interface PageGateOptions {
  readonly pageSize: number;
  /** A page not read through by then fails the whole read (firebase-admin retries a lost backend for minutes). */
  readonly pageTimeoutMs: number;
  readonly clock: Clock;
  /** True once the service is stopping: no new page is asked for. */
  readonly stopping: () => boolean;
  /** How long one turn of the event loop may parse pages before it gives the loop back. */
  readonly turnBudgetMs: number;
}

/**
 * The collector's side of one paged full read (both collections): each page is bounded by the page
 * timeout, and once any page failed, or the service began stopping, no further page is asked for, so a
 * failed read does not keep reading the other collection behind the run's back. A page that timed out
 * cannot be cancelled: `settled()` resolves once every page asked for has answered, and the collector
 * holds its overlap guard until then, so slow reads never pile up.
 */
export class PageGate implements PageReading {
  private readonly outstanding = new Set<Promise<unknown>>();
  private failed = false;
  /** When this turn's parsing began; cleared by a deferral set then, which runs once the turn is over. */
  private turnStartedAt: number | undefined;

  constructor(private readonly options: PageGateOptions) {}

  get pageSize(): number {
    return this.options.pageSize;
  }

  fetch<R>(page: () => Promise<R>): Promise<R> {
    if (this.failed) return Promise.reject(new Error('another page of this read failed'));
    if (this.options.stopping()) return Promise.reject(new Error('the service is stopping'));
    const asked = page();
    const answered: Promise<unknown> = asked.then(
      () => this.outstanding.delete(answered),
      () => this.outstanding.delete(answered),
    );
    this.outstanding.add(answered);
    return withTimeout(asked, this.options.pageTimeoutMs, this.options.clock).catch((error: unknown) => {
      this.failed = true;
      throw error;
    });
  }

  /** Both collections' pages share the turn: they are parsed on one event loop. */
  pace(): Promise<void> | undefined {
    const { clock, turnBudgetMs } = this.options;
    const now = clock.now();
    if (this.turnStartedAt === undefined) {
      this.turnStartedAt = now;
      clock.defer(() => (this.turnStartedAt = undefined));
      return undefined;
    }
    if (now - this.turnStartedAt < turnBudgetMs) return undefined;
    // The turn's own deferral was set first, so it has run by the time this one resolves.
    return new Promise<void>((resolve) => clock.defer(resolve));
  }

  /** Resolves once no page asked for is still unanswered. */
  async settled(): Promise<void> {
    while (this.outstanding.size > 0) await Promise.all(this.outstanding);
  }
}
