import { CacheCore } from '../../src/cache/cache-core';
import type { Tick } from '../../src/domain/market';
import { type SocketFactory, wsSocketFactory } from '../../src/market-feed/kucoin/ws-socket';
import { KucoinFeedGateway } from '../../src/market-feed/kucoin-feed.gateway';
import { type ScenarioResult, formatNumber, median, percentile } from './table';
import { type Timed, startClocks } from './thread-clock';
import { tickPath } from './tick-path';
import {
  FRAME_KINDS,
  type FrameKind,
  type FrameSample,
  LIMIT_SAMPLE,
  framingRates,
  generatedSamples,
  meanBytes,
  parseOnlyRate,
  sampleOf,
  scanOnlyRate,
} from './wire-limits';
import { isSentTrade, latencyOf, nextReply, startSender, stopSender, waitFor } from './wire-harness';
import type { SenderCommand } from './wire-sender';
import { makeWorkload, wireUniverse } from './workload';
import { loadBooks } from './bench-config';

const PACED_RATE = 20_000;
const MAX_PACED = 1_000_000;

/** 100k positions + 10k triggers in the cache's books (CacheCore) behind the real processor; executions are counted. */
async function buildReceiver(gateway: KucoinFeedGateway) {
  const workload = makeWorkload(100_000);
  const cache = new CacheCore();
  await loadBooks(cache, workload.positions, workload.triggers);
  const counters = { executions: 0 };
  const processor = tickPath(cache, [gateway], () => counters.executions++);
  processor.onApplicationBootstrap();
  return { processor, counters, symbols: workload.symbols };
}

/** Medians over the rounds, per frame kind: JSON.parse + parser, and the scanner, frames per CPU-second. */
type KindRates = Record<FrameKind, { parse: number[]; scan: number[] }>;

export async function wireScenario(quick: boolean): Promise<ScenarioResult> {
  const sender = startSender('wire', wireUniverse());
  const { worker, done } = sender;
  const captured: Buffer[] = [];
  let capturing = false;
  // The real ws factory, with a tap that keeps a sample of data frames for the parse-only comparison.
  const openSocket: SocketFactory = (url, handlers) =>
    wsSocketFactory(url, {
      ...handlers,
      onMessage: (frame, isBinary) => {
        if (capturing && captured.length < LIMIT_SAMPLE && frame?.includes('"type":"message"'))
          captured.push(Buffer.from(frame));
        handlers.onMessage(frame, isBinary);
      },
    });
  let gateway: KucoinFeedGateway | undefined;
  try {
    const ready = await nextReply(worker);
    if (ready.kind !== 'ready' || ready.apiUrls.spot === undefined)
      throw new Error('wire bench: sender did not start');
    gateway = new KucoinFeedGateway({
      market: 'spot',
      apiUrl: ready.apiUrls.spot,
      maxTopicsPerConnection: 250,
      limits: { symbolsPerMessage: 100, staleFeedMs: 60_000 },
      io: { openSocket },
    });
    const receiver = await buildReceiver(gateway);
    // Subscribed after the processor: rxjs calls subscribers in order, so this runs once it has decided.
    const latencies = new Float64Array(MAX_PACED);
    // Latency is stamped per trade only in paced runs; blasts stamp the first and last trade, so the clock
    // reads (a BigInt each) are not charged to the worker's throughput.
    const seen = {
      count: 0,
      expected: 0,
      stampEach: false,
      unmatched: 0,
      busy: performance.eventLoopUtilization(),
      clocks: startClocks(),
      drain: { wallMs: 0, cpuMs: 0 } as Timed,
    };
    gateway.ticks$.subscribe((tick: Tick) => {
      if (!isSentTrade(tick)) return;
      const count = ++seen.count;
      if (seen.stampEach && count <= MAX_PACED) {
        const latency = latencyOf(sender, tick);
        if (latency !== latency) seen.unmatched++;
        latencies[count - 1] = latency;
      }
      if (count === 1) {
        seen.busy = performance.eventLoopUtilization();
        seen.clocks = startClocks();
      } else if (count === seen.expected) {
        seen.drain = seen.clocks();
      }
    });
    gateway.updateDesired(receiver.symbols);
    const feed = gateway;
    await waitFor(
      'both connections subscribed',
      () => feed.status().connections.reduce((sum, c) => sum + c.subscribedTopics, 0) === 500,
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the REST catch-up settle
    const run = async (
      command: SenderCommand,
      frames: number,
    ): Promise<{ ms: number; cpuMs: number; sentMs: number; utilization: number }> => {
      // Garbage left by setup (or by earlier scenarios) must not be collected inside a measured window.
      (globalThis as { gc?: () => void }).gc?.();
      seen.count = 0;
      seen.unmatched = 0;
      seen.expected = frames;
      seen.stampEach = command.cmd === 'paced';
      Atomics.store(done, 0, 0);
      worker.postMessage(command);
      // Holding: this thread blocks (reads nothing) until every frame is sent, then drains the backlog.
      if (command.cmd === 'blast' && command.hold) Atomics.wait(done, 0, 0, 120_000);
      const reply = await nextReply(worker);
      await waitFor('every frame received', () => seen.count >= frames, 60_000);
      // From the first decision to now (the last one, give or take the 10 ms poll above).
      const { utilization } = performance.eventLoopUtilization(seen.busy);
      return {
        ms: seen.drain.wallMs,
        cpuMs: seen.drain.cpuMs,
        sentMs: reply.kind === 'done' ? reply.ms : NaN,
        utilization,
      };
    };
    // Warm-up, capturing a sample of real frames.
    capturing = true;
    await run({ cmd: 'paced', rate: PACED_RATE, seconds: 1 }, PACED_RATE);
    capturing = false;
    const pacedSeconds = quick ? 3 : 10;
    const paced = await run(
      { cmd: 'paced', rate: PACED_RATE, seconds: pacedSeconds },
      PACED_RATE * pacedSeconds,
    );
    if (seen.unmatched > 0)
      throw new Error(`wire bench: ${seen.unmatched} trades could not be matched with their send time`);
    const lat = latencies.subarray(0, Math.min(seen.count, MAX_PACED));
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    const p999 = percentile(lat, 99.9);
    const pacedRate = seen.count / (paced.ms / 1_000);
    // Sustained rate vs the parse-only limit, alternated.
    const blastFrames = quick ? 100_000 : 300_000;
    const wireRates: number[] = [];
    const wallRates: number[] = [];
    const liveRates: number[] = [];
    const senderRates: number[] = [];
    const framingOnly: number[] = [];
    const framingAndParse: number[] = [];
    const drainBusy: number[] = [];
    if (captured.length === 0) throw new Error('wire bench: no frames captured');
    // The frames the worker received (spot match pushes) for the headline limits; generated frames of
    // the other kinds, from the simulator's own writers, to compare.
    const samples: Record<FrameKind, FrameSample> = {
      ...generatedSamples(),
      'spot match': sampleOf('spot match', 'spot', captured),
    };
    const kindRates = Object.fromEntries(
      FRAME_KINDS.map((kind) => [kind, { parse: [], scan: [] }]),
    ) as unknown as KindRates;
    for (let round = 0; round < (quick ? 2 : 3); round++) {
      const held = await run({ cmd: 'blast', count: blastFrames, hold: true }, blastFrames);
      wireRates.push(blastFrames / (held.cpuMs / 1_000));
      wallRates.push(blastFrames / (held.ms / 1_000));
      drainBusy.push(held.utilization);
      for (const kind of FRAME_KINDS) {
        const { market, frames, texts } = samples[kind];
        kindRates[kind].parse.push(parseOnlyRate(market, texts, blastFrames));
        kindRates[kind].scan.push(scanOnlyRate(market, frames, blastFrames));
      }
      const framing = framingRates('spot', captured, blastFrames);
      framingOnly.push(framing.framing);
      framingAndParse.push(framing.framingAndParse);
      const live = await run({ cmd: 'blast', count: blastFrames, hold: false }, blastFrames);
      liveRates.push(blastFrames / (live.ms / 1_000));
      senderRates.push(blastFrames / (live.sentMs / 1_000));
    }
    const wire = median(wireRates);
    const limit = median(kindRates['spot match'].parse);
    const scanLimit = median(kindRates['spot match'].scan);
    const executions = receiver.counters.executions;
    await receiver.processor.beforeApplicationShutdown();
    const kindRows = FRAME_KINDS.map((kind) => {
      const parse = median(kindRates[kind].parse);
      const scan = median(kindRates[kind].scan);
      return [
        `  ${kind} (${formatNumber(meanBytes(samples[kind]))} B): parse-only | scanner, frames/s`,
        `${formatNumber(parse)} | ${formatNumber(scan)} (${formatNumber(scan / parse, 2)}x)`,
      ];
    });
    return {
      scenario: 'wire',
      title: '2. Wire path (trades): simulator -> loopback WebSocket -> gateway -> crossing finder',
      columns: ['measure', 'value'],
      rows: [
        ['sustained frames/s through the worker, draining a backlog', formatNumber(wire)],
        ['  the same drains by wall clock (sender shares the 2 cores)', formatNumber(median(wallRates))],
        ['live frames/s, sender blasting (sender-bound)', formatNumber(median(liveRates))],
        ['sender frames/s in those live runs', formatNumber(median(senderRates))],
        ['receiver event loop busy while draining', `${formatNumber(100 * median(drainBusy), 1)}%`],
        ['parse-only limit frames/s (JSON.parse + trade parser, spot match)', formatNumber(limit)],
        ['sustained / parse-only limit (target >= 80%)', `${formatNumber((100 * wire) / limit, 1)}%`],
        [
          '  ws framing alone (its Receiver on the same frames, no socket)',
          formatNumber(median(framingOnly)),
        ],
        [
          '  ws framing + parse-only, no socket/dispatch/evaluation / limit',
          `${formatNumber((100 * median(framingAndParse)) / limit, 1)}%`,
        ],
        ["the worker's frame scanner alone, frames/s (bytes -> tick)", formatNumber(scanLimit)],
        ['sustained / frame scanner alone', `${formatNumber((100 * wire) / scanLimit, 1)}%`],
        ['limits by frame kind (CPU clock, same loop):', ''],
        ...kindRows,
        [
          `paced ${formatNumber(PACED_RATE)} frames/s for ${pacedSeconds} s: received/s`,
          formatNumber(pacedRate),
        ],
        ['tick-to-decision p50 (us)', formatNumber(p50, 1)],
        ['tick-to-decision p99 (us) (target < 1000)', formatNumber(p99, 1)],
        ['tick-to-decision p99.9 (us)', formatNumber(p999, 1)],
        ['executions handed over (stubbed, counted)', formatNumber(executions)],
      ],
      notes: [
        'Sender: the ExchangeSimulator in a worker thread (own event loop); 500 spot symbols round robin, random walk;',
        'every trade is one /market/match push (the topic the worker subscribes to; no tickers are sent).',
        'Receiver: real spot KucoinFeedGateway (2 connections, real WebSocketManager and ws sockets, frame scanner, the',
        "TradeSequencer) -> PriceUpdateProcessor over SymbolCache's books (CacheCore) of 100k positions + 10k",
        'triggers and the crossing finder; executions checked out as pending crossings and counted.',
        'Latency: from a monotonic-clock stamp taken just before the simulator sends the trade to the moment the',
        "processor has returned for it; not from receivedAt (ms resolution). Matched exactly by the trade's own",
        "sequence: one above its symbol's last, so the sender stamps it in a shared ring under (symbol, sequence)",
        'before the trade exists, and the receiver looks it up by the sequence the frame carries; a slot holding',
        'another trade fails the run (see send-stamps.ts).',
        `Sustained: the receiving thread blocks while ${formatNumber(blastFrames)} frames are sent, then drains them;`,
        'frames over the CPU time the receiving thread spent from first to last decision (Linux schedstat): its',
        'capacity on a core of its own. The wall-clock row is the same drains as timed; on this 2-core machine the',
        'sender thread and the kernel share the cores with it. "Live" is a blast without holding, bounded by the',
        'single sender thread when the two rates match. Medians of alternated rounds.',
        `Limits: ${formatNumber(LIMIT_SAMPLE)} frames (small enough to stay in cache, as a frame just read off the`,
        'socket is) in a tight loop, by the same CPU clock, alternated with the drains: through parseFrame',
        '(JSON.parse + tick parser), and through scanFrame, which the worker itself uses on every push (straight',
        'from the frame bytes; JSON.parse only for control frames and anything unusual). The headline rows use the',
        'spot match frames captured off the socket; the by-kind rows add futures /contractMarket/execution pushes',
        "and, for comparison, spot and futures (v1) ticker pushes, written by the simulator's own frame writers.",
        "The two indented rows put the captured frames through ws's Receiver in process: framing alone, and",
        'framing + parseFrame, the ceiling of a worker that parsed with JSON.parse even if the socket, dispatch',
        'and evaluation were free.',
      ],
      summary: {
        wireFramesPerSecond: Math.round(wire),
        wireWallFramesPerSecond: Math.round(median(wallRates)),
        parseOnlyLimit: Math.round(limit),
        scannerLimit: Math.round(scanLimit),
        framingOnly: Math.round(median(framingOnly)),
        framingAndParseVsLimit: median(framingAndParse) / limit,
        ...Object.fromEntries(
          FRAME_KINDS.flatMap((kind) => {
            const name = kind
              .replace(/ (\w)/g, (_, c: string) => c.toUpperCase())
              .replace(/^\w/, (c) => c.toUpperCase());
            return [
              [`parseOnly${name}`, Math.round(median(kindRates[kind].parse))],
              [`scanner${name}`, Math.round(median(kindRates[kind].scan))],
            ];
          }),
        ),
        p99Micros: p99,
      },
    };
  } finally {
    await gateway?.stop();
    await stopSender(sender);
  }
}
