import { isDeepStrictEqual } from 'node:util';
import type { Subscription } from 'rxjs';
import { CacheCore } from '../../../src/cache/cache-core';
import { WorkerMetrics } from '../../../src/metrics/worker-metrics';
import { openTestFirestore } from '../../support/firestore';
import { gateway } from '../../support/trade-scenarios';
import {
  type Simulators,
  type Worker,
  seed,
  startSimulators,
  startWorker,
} from '../../support/worker-harness';
import { waitFor } from '../../support/wait-for';
import { recordRow } from './summary-table';
import {
  type Docs,
  type Fills,
  type Sym,
  Tape,
  type TapeEvent,
  firstFill,
  readVersions,
} from './trade-oracle';
import { type EndState, type Verdict, executedDocuments, readEndState } from './verdict';

type Ready = () => boolean | Promise<boolean>;

/** One scenario's own emulator project, simulators, documents and workers, whose evaluated trades are tapped. */
export class TapeRun {
  readonly store = openTestFirestore();
  readonly workers: Worker[] = [];
  /** Per running worker: the sequence of the last trade of each symbol its feeds passed on. */
  private readonly seen: Map<string, string>[] = [];
  private readonly taps: Subscription[] = [];
  private closedExecutions = 0;
  sims!: Simulators;
  tape!: Tape;
  versions!: Map<string, number>;

  constructor(
    readonly syms: readonly Sym[],
    readonly docs: Docs,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Simulators on the exchange clock, an opening trade per symbol, the documents, the workers subscribed. */
  async start(instanceIds: readonly string[], clock?: () => number): Promise<void> {
    // Lenient pings: a busy test process must not look like a dead socket.
    this.sims = await startSimulators({ pingInterval: 1_000, pingTimeout: 3_000, clock });
    this.tape = new Tape(this.sims);
    for (const s of this.syms) this.tape.trade(s, s.base);
    await seed(this.store.db, this.docs);
    this.versions = await readVersions(this.store.db, Object.keys(this.docs));
    for (const id of instanceIds) await this.addWorker(id);
    const loaded = (w: Worker) => w.cache.stats().positions + w.cache.stats().triggers === this.versions.size;
    const held = (s: Sym) => (this.tape.sim(s).subscriptionCounts().get(s.symbol) ?? 0) >= instanceIds.length;
    await waitFor('caches loaded, symbols held', () => this.workers.every(loaded) && this.syms.every(held));
  }

  async addWorker(instanceId: string, env: Record<string, string> = {}): Promise<Worker> {
    const [{ projectId }, sims] = [this.store, this.sims];
    const worker = await startWorker({ projectId, instanceId, sims, env: { ...this.env, ...env } });
    const seen = new Map<string, string>();
    for (const { ticks$ } of [gateway(worker, 'spot'), gateway(worker, 'futures')])
      this.taps.push(ticks$.subscribe((t) => t.sequence !== undefined && seen.set(t.symbol, t.sequence)));
    this.seen.push(seen);
    this.workers.push(worker);
    return worker;
  }

  /** Closes every worker (app.close()), keeping count of what each executed. */
  async closeWorkers(): Promise<void> {
    for (const worker of this.workers.splice(0)) {
      await worker.close();
      this.closedExecutions += await worker.executions('executed');
    }
    this.seen.splice(0);
  }

  /** Every running worker has evaluated each symbol's last trade (live or recovered). */
  evaluated(syms = this.syms): boolean {
    return this.seen.every((seen) => syms.every((s) => seen.get(s.symbol) === this.tape.last(s).sequence));
  }

  /** Why trades are still unevaluated: per worker, each lagging symbol and its feed's metrics. */
  private async feedReport(): Promise<string> {
    const lines = await Promise.all(
      this.workers.map(async (w, i) => {
        const lagging = this.syms
          .filter((s) => this.seen[i].get(s.symbol) !== this.tape.last(s).sequence)
          .map((s) => `${s.symbol} at ${this.seen[i].get(s.symbol)} of ${this.tape.last(s).sequence}`);
        const feed = (await w.app.get(WorkerMetrics).registry.metrics())
          .split('\n')
          .filter((l) => /^worker_(ws_|gap_|rest_catch_up|kucoin_rate_limited|symbols_unavailable)/.test(l));
        return `worker ${i}: lagging ${lagging.join(', ') || 'none'}\n  ${feed.join('\n  ')}`;
      }),
    );
    return lines.join('\n');
  }

  /** The oracle's fill (or none) of every document, from what is evaluated of each symbol. */
  fills(eventsOf: (s: Sym) => TapeEvent[]): Fills {
    const events = new Map(this.syms.map((s) => [s.symbol, eventsOf(s)]));
    const fill = (path: string, doc: Docs[string]) =>
      firstFill(doc, this.versions.get(path)!, events.get(doc.symbol as string)!);
    return new Map(Object.entries(this.docs).map(([path, doc]) => [path, fill(path, doc)]));
  }

  /** After `ready` (every trade evaluated), until the fills are written and every worker is idle: the row. */
  async verdict(scenario: string, fills: Fills, ready: Ready = () => this.evaluated()): Promise<Verdict> {
    await waitFor(`${scenario}: every trade evaluated`, ready, 30_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await this.feedReport()}`);
    });
    const expected = [...fills.values()].filter((f) => f !== undefined).length;
    const idle = (w: Worker) =>
      !w.execution.stats().queue.length && !w.app.get(CacheCore).pendingStats().count;
    const written = async () => executedDocuments(await readEndState(this.store.db)) >= expected;
    const settled = async () => this.workers.every(idle) && (await written());
    // Two replicas racing hundreds of transactions on a loaded machine can take longer than the writes
    // take to appear: outcomes still in flight would count as negative duplicates. Idle first, then written
    // (a missed document never is: the verdict says so).
    await waitFor(`${scenario}: workers idle`, () => this.workers.every(idle), 60_000).catch(() => undefined);
    await waitFor(`${scenario}: written, workers idle`, settled, 20_000).catch(() => undefined);
    const outcomes = await Promise.all(this.workers.map((w) => w.executions('executed')));
    const executedOutcomes = outcomes.reduce((a, b) => a + b, this.closedExecutions);
    return this.judge(scenario, fills, await readEndState(this.store.db), executedOutcomes);
  }

  /**
   * The row. Each document's end state (a close as [status, reason, level, price, tick time], a fire as
   * [targetPrice, price, tick time, trigger left], else the document) is the oracle's, or missed (still as it
   * was), or wrongly touched. `executed` outcomes beyond the documents written are duplicates.
   */
  private judge(scenario: string, fills: Fills, state: EndState, executedOutcomes: number): Verdict {
    const problems: string[] = [];
    let [expected, missed] = [0, 0];
    for (const [path, fill] of fills) {
      const [p, x] = [state.positions.get(path), state.executed.get(path.replace('/tradeT', '/executedT'))];
      const { reason, level, price, time } = fill ?? {};
      let [got, want]: unknown[] = [p, fill ? ['closing', reason, level, price, time] : this.docs[path]];
      if (path.includes('/tradeTriggers/')) {
        const left = state.triggers.get(path);
        got = x ? [x.targetPrice, x.executedPrice, x.executedTickTime, left !== undefined] : left;
        want = fill ? [level, price, time, false] : want;
      } else if (p?.status !== 'open' || p.closedBy !== undefined)
        got = [p?.status, p?.closeReason, p?.closeTriggerPrice, p?.closePrice, p?.closeTickTime];
      if (fill) expected++;
      if (isDeepStrictEqual(got, want)) continue;
      if (fill && isDeepStrictEqual(got, this.docs[path])) missed++;
      problems.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
    for (const path of state.executed.keys())
      if (!fills.has(path.replace('/executedT', '/tradeT'))) problems.push(`${path}: never seeded`);
    const [executed, wronglyTouched] = [executedDocuments(state), problems.length - missed];
    const duplicates = executedOutcomes - executed;
    const row = { scenario, expected, executed, duplicates, missed, wronglyTouched };
    recordRow(row);
    return { ...row, problems };
  }

  async stop(): Promise<void> {
    for (const tap of this.taps) tap.unsubscribe();
    await this.closeWorkers();
    await this.sims?.stop();
    await this.store.close();
  }
}
