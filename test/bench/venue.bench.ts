import { CacheCore } from '../../src/cache/cache-core';
import type { MarketType, Tick } from '../../src/domain/market';
import { KucoinFeedGateway } from '../../src/market-feed/kucoin-feed.gateway';
import { type ScenarioResult, formatNumber, percentile } from './table';
import { startClocks } from './thread-clock';
import { tickPath } from './tick-path';
import { isSentTrade, latencyOf, nextReply, startSender, stopSender, waitFor } from './wire-harness';
import type { SenderCommand } from './wire-sender';
import { VENUE, makeVenueWorkload } from './workload';
import { loadBooks } from './bench-config';

const POSITIONS = 100_000;
/** Trades per second over the whole venue, on average: VENUE's two markets (see VENUE_NOTES). */
const AVERAGE_RATE = VENUE.spotTradesPerSecond + VENUE.futuresTradesPerSecond;
/** Busy minutes (a liquidation cascade, a listing): an assumed multiple of the average, not a measurement. */
const PEAK_FACTOR = 10;
/** KuCoin's default topics per connection in this worker (KUCOIN_*_MAX_TOPICS_PER_CONNECTION). */
const TOPICS_PER_CONNECTION = 300;

/** Where the load comes from; printed with the table. */
const VENUE_NOTES = [
  `Load: every symbol of a KuCoin-sized venue, ${formatNumber(VENUE.spotSymbols)} spot pairs + ${formatNumber(VENUE.futuresSymbols)} futures contracts`,
  '(round figures: KuCoin lists about that many), each its own match/execution topic, every trade one push.',
  'Rate, estimated from public figures, as volume / average trade size (KuCoin publishes no trade counts):',
  '- spot: about $2B a day (Kaiko, as reported in March 2024: KuCoin daily volume fell from ~$2B to $520M',
  '  after the US charges; the higher figure is taken);',
  '- futures: no KuCoin figure found; assumed 3.7x spot, the derivatives/spot ratio of the largest venue in',
  "  2025 (Binance: $27T vs $7.3T, Wu Blockchain's 2025 CEX report, CoinGecko data) -> $7.4B a day;",
  '- average trade: Kaiko puts centralized-exchange averages at $1,000-4,000 on BTC pairs (CoinDesk, Dec 2021;',
  "  Arcane/Kaiko, May 2021); KuCoin's trades are mostly long-tail retail, so $250 is assumed (a smaller size",
  '  means more trades: the estimate errs high);',
  `- so 93 spot + 343 futures trades/s, rounded up to ${VENUE.spotTradesPerSecond} + ${VENUE.futuresTradesPerSecond} = ${AVERAGE_RATE}/s on average; "peak" is`,
  `  ${PEAK_FACTOR}x that (${formatNumber(AVERAGE_RATE * PEAK_FACTOR)}/s), an assumed busy minute. Within each market trades are spread by`,
  '  Zipf 1.1 (busiest symbol ~18-20% of its market), at Poisson times, each a random-walk step.',
  `Receiver: real spot KucoinFeedGateway (${Math.ceil(VENUE.spotSymbols / TOPICS_PER_CONNECTION)} connections) + futures KucoinFeedGateway (${Math.ceil(VENUE.futuresSymbols / TOPICS_PER_CONNECTION)}), ${TOPICS_PER_CONNECTION} topics per`,
  'connection (the default), ws sockets over loopback, the frame scanner and TradeSequencer -> one',
  `PriceUpdateProcessor over CacheCore holding ${formatNumber(POSITIONS)} positions + ${formatNumber(POSITIONS / 10)} triggers spread over both`,
  'markets as the trades are (a symbol is held as often as it trades). Futures subscribe 100 symbols per',
  'message here (the default is 1) only to subscribe quickly; the REST catch-up is over before measuring.',
  'CPU share: CPU time of the receiving thread (Linux schedstat; GC on that thread included, V8 helper threads',
  'not) over the wall time of the window, from the first command to the last decision: the fraction of one',
  'core the worker needs for this feed. Latency: as in the wire scenario (stamped before send, matched by',
  '(market, symbol, trade sequence)). The sender and the kernel share the 2 cores. CPU per trade falls',
  'with the rate: at the average most trades arrive alone and pay a whole event-loop wake-up each (our',
  'reading; not measured separately).',
];

interface Window {
  readonly trades: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly utilization: number;
  readonly latencies: Float64Array;
}

export async function venueScenario(quick: boolean): Promise<ScenarioResult> {
  const workload = makeVenueWorkload(POSITIONS);
  const sender = startSender('venue', workload);
  const gateways: KucoinFeedGateway[] = [];
  try {
    const ready = await nextReply(sender.worker);
    const { spot: spotUrl, futures: futuresUrl } = ready.kind === 'ready' ? ready.apiUrls : {};
    if (spotUrl === undefined || futuresUrl === undefined)
      throw new Error('venue bench: sender did not start');
    const limits = { symbolsPerMessage: 100, staleFeedMs: 60_000 };
    const maxTopicsPerConnection = TOPICS_PER_CONNECTION;
    const spot = new KucoinFeedGateway({ market: 'spot', apiUrl: spotUrl, maxTopicsPerConnection, limits });
    const futures = new KucoinFeedGateway({
      market: 'futures',
      apiUrl: futuresUrl,
      maxTopicsPerConnection,
      limits,
    });
    gateways.push(spot, futures);
    const cache = new CacheCore();
    await loadBooks(cache, workload.positions, workload.triggers);
    let executions = 0;
    const processor = tickPath(cache, gateways, () => executions++);
    processor.onApplicationBootstrap();

    const maxTrades = Math.round(AVERAGE_RATE * PEAK_FACTOR * (quick ? 4 : 20)) + 1;
    const latencies = new Float64Array(maxTrades);
    const seen = { count: 0, expected: 0, unmatched: 0, catchUps: 0, allIn: (): void => undefined };
    // Subscribed after the processor: rxjs calls subscribers in order, so this runs once it has decided.
    const onTick = (tick: Tick): void => {
      if (!isSentTrade(tick)) {
        if (tick.source === 'catch_up') seen.catchUps++;
        return;
      }
      const count = ++seen.count;
      if (count > maxTrades) return;
      const latency = latencyOf(sender, tick);
      if (latency !== latency) seen.unmatched++;
      latencies[count - 1] = latency;
      if (count === seen.expected) seen.allIn();
    };
    for (const gateway of gateways) gateway.ticks$.subscribe(onTick);
    const symbolsOf = (market: MarketType): string[] =>
      workload.streams.filter((s) => s.market === market).map((s) => s.symbol);
    spot.updateDesired(symbolsOf('spot'));
    futures.updateDesired(symbolsOf('futures'));
    const subscribed = (): number =>
      gateways.reduce(
        (sum, gateway) => sum + gateway.status().connections.reduce((n, c) => n + c.subscribedTopics, 0),
        0,
      );
    const setupStarted = performance.now();
    await waitFor('every topic subscribed', () => subscribed() === workload.streams.length, 30_000);
    await waitFor('the REST catch-up', () => seen.catchUps >= workload.streams.length, 60_000);
    const setupSeconds = (performance.now() - setupStarted) / 1_000;
    const connections = gateways.reduce((n, gateway) => n + gateway.status().connections.length, 0);

    let seed = 1;
    const measure = async (rate: number, seconds: number): Promise<Window> => {
      const trades = Math.round(rate * seconds);
      if (trades > maxTrades) throw new Error('venue bench: window larger than the latency buffer');
      // Setup garbage must not be collected inside the window; the window's own garbage is.
      (globalThis as { gc?: () => void }).gc?.();
      seen.count = 0;
      seen.unmatched = 0;
      seen.expected = trades;
      const allIn = new Promise<void>((resolve) => (seen.allIn = resolve));
      const busy = performance.eventLoopUtilization();
      const clocks = startClocks();
      sender.worker.postMessage({
        cmd: 'poisson',
        rate,
        count: trades,
        seed: seed++,
      } satisfies SenderCommand);
      const timeout = setTimeout(() => seen.allIn(), seconds * 1_000 + 30_000);
      await Promise.all([allIn, nextReply(sender.worker)]);
      const { wallMs, cpuMs } = clocks();
      clearTimeout(timeout);
      const { utilization } = performance.eventLoopUtilization(busy);
      if (seen.count < trades) throw new Error(`venue bench: ${seen.count} of ${trades} trades received`);
      if (seen.unmatched > 0)
        throw new Error(`venue bench: ${seen.unmatched} trades not matched with a send time`);
      return { trades, wallMs, cpuMs, utilization, latencies: latencies.slice(0, trades) };
    };
    await measure(AVERAGE_RATE * PEAK_FACTOR, quick ? 1 : 3); // warm-up
    const average = await measure(AVERAGE_RATE, quick ? 10 : 60);
    const peak = await measure(AVERAGE_RATE * PEAK_FACTOR, quick ? 4 : 20);
    await processor.beforeApplicationShutdown();

    const share = (w: Window): number => w.cpuMs / w.wallMs;
    const rowsOf = (label: string, w: Window): string[][] => [
      [
        `${label}: trades/s received (${formatNumber(w.trades)} trades in ${formatNumber(w.wallMs / 1_000, 1)} s)`,
        formatNumber(w.trades / (w.wallMs / 1_000)),
      ],
      [`  worker CPU share (receiving thread CPU / wall)`, `${formatNumber(100 * share(w), 2)}%`],
      [`  receiver event loop busy`, `${formatNumber(100 * w.utilization, 2)}%`],
      [`  CPU per trade (us)`, formatNumber((w.cpuMs * 1_000) / w.trades, 1)],
      [`  tick-to-decision p50 (us)`, formatNumber(percentile(w.latencies, 50), 1)],
      [`  tick-to-decision p99 (us) (target < 1000)`, formatNumber(percentile(w.latencies, 99), 1)],
      [`  tick-to-decision p99.9 (us)`, formatNumber(percentile(w.latencies, 99.9), 1)],
    ];
    return {
      scenario: 'venue',
      title:
        '2b. Whole venue: every spot and futures trade stream over loopback -> gateways -> crossing finder',
      columns: ['measure', 'value'],
      rows: [
        [
          'symbols (spot + futures), connections',
          `${formatNumber(VENUE.spotSymbols)} + ${formatNumber(VENUE.futuresSymbols)}, ${connections}`,
        ],
        ['cached positions + triggers', `${formatNumber(POSITIONS)} + ${formatNumber(POSITIONS / 10)}`],
        ['subscribe + REST catch-up of every symbol (s)', formatNumber(setupSeconds, 1)],
        ...rowsOf(`average, ${formatNumber(AVERAGE_RATE)} trades/s`, average),
        ...rowsOf(`peak, ${formatNumber(AVERAGE_RATE * PEAK_FACTOR)} trades/s`, peak),
        ['executions handed over (stubbed, counted)', formatNumber(executions)],
      ],
      notes: VENUE_NOTES,
      summary: {
        averageTradesPerSecond: AVERAGE_RATE,
        averageCpuShare: share(average),
        averageP99Micros: percentile(average.latencies, 99),
        peakTradesPerSecond: AVERAGE_RATE * PEAK_FACTOR,
        peakCpuShare: share(peak),
        peakP99Micros: percentile(peak.latencies, 99),
      },
    };
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await stopSender(sender);
  }
}
