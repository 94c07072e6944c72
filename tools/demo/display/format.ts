import type { ConnectionStatus } from '../../../src/market-feed/feed-gateway';
import type { TrailingStop } from '../../../src/domain/trailing-stop';
import { DEMO_UID_PREFIX } from '../seed-plan';
import type { TrailingView } from '../watch/trailing-watch';
import type { ExecutionEvent, FeedView, StatusView } from './display.types';

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const COLOR: Paint = {
  bold: ansi(1),
  dim: ansi(2),
  red: ansi(31),
  green: ansi(32),
  yellow: ansi(33),
  cyan: ansi(36),
};
const plain = (text: string): string => text;
export const NO_COLOR: Paint = {
  bold: plain,
  dim: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
};

/** Prices as a trader reads them: thousands separated, up to as many decimals as the price carries. */
export function formatPrice(price: number): string {
  const decimals = price >= 1_000 ? 2 : price >= 1 ? 4 : 6;
  return price.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function formatElapsed(elapsedMs: number, durationMs?: number): string {
  const seconds = (ms: number): string => `${Math.floor(ms / 1_000)}s`;
  return durationMs === undefined ? seconds(elapsedMs) : `${seconds(elapsedMs)} / ${seconds(durationMs)}`;
}

function connectionText(connection: ConnectionStatus, paint: Paint): string {
  const state =
    connection.state === 'connected' ? paint.green(connection.state) : paint.yellow(connection.state);
  const reconnects = connection.reconnects > 0 ? `, ${connection.reconnects} reconnects` : '';
  const topics = `${connection.subscribedTopics} topic${connection.subscribedTopics === 1 ? '' : 's'}`;
  return `${connection.id} ${state} (${topics}${reconnects})`;
}

export function formatFeedLine(view: FeedView, paint: Paint): string {
  const market = view.market.padEnd(7);
  if (view.desired === undefined)
    return `${market} ${paint.yellow('no feed: MarketFeedModule is not wired in')}`;
  const symbols = view.desired.length > 0 ? view.desired.join(', ') : paint.dim('none yet');
  const connections =
    view.connections.length > 0
      ? view.connections.map((c) => connectionText(c, paint)).join('; ')
      : paint.dim('no connection');
  return `${market} ${view.ticksPerSecond.toFixed(1).padStart(5)} ticks/s  symbols: ${symbols}  ${connections}`;
}

export function formatPrices(prices: ReadonlyMap<string, number>): string {
  if (prices.size === 0) return 'no ticks yet';
  return [...prices]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([symbol, price]) => `${symbol} ${formatPrice(price)}`)
    .join('   ');
}

const REASON_TEXT: Record<string, string> = {
  stop_loss: 'stop-loss',
  take_profit: 'take-profit',
  liquidation: 'liquidated',
  trailing_stop: 'trailing stop',
  above: 'trigger above',
  below: 'trigger below',
};

const LOSING_SIDE_REASONS = new Set(['stop_loss', 'liquidation', 'trailing_stop']);

function userName(uid: string): string {
  return uid.startsWith(DEMO_UID_PREFIX) ? uid.slice(DEMO_UID_PREFIX.length) : uid;
}

export function formatExecution(event: ExecutionEvent, paint: Paint): string {
  const user = userName(event.uid);
  const reason = REASON_TEXT[event.reason] ?? event.reason;
  const colored = LOSING_SIDE_REASONS.has(event.reason)
    ? paint.red(reason)
    : event.reason === 'take_profit'
      ? paint.green(reason)
      : paint.cyan(reason);
  const latency =
    event.writtenAt !== undefined
      ? paint.dim(`  tick→write ${Math.max(0, event.writtenAt - event.tickTime)} ms`)
      : '';
  return (
    `${formatClock(event.tickTime)}  ${user.padEnd(6)} ${event.symbol.padEnd(9)} ${event.marketType.padEnd(7)} ` +
    `${event.side.padEnd(5)} ${colored}${' '.repeat(Math.max(1, 14 - reason.length))}` +
    `level ${formatPrice(event.level).padStart(10)}  fill ${formatPrice(event.fill).padStart(10)}${latency}`
  );
}

/** The redrawn screen of a terminal: status on top, then the latest executions, newest last. */
export function renderScreen(
  view: StatusView,
  events: readonly ExecutionEvent[],
  paint: Paint,
  rows = 40,
): string[] {
  const feedName =
    view.feed === 'live' ? paint.green('LIVE KuCoin feed') : paint.yellow('SIMULATED feed (random walk)');
  const header = [
    `${paint.bold('realtime-worker demo')}  ${feedName}  ${paint.dim(formatElapsed(view.elapsedMs, view.durationMs))}`,
    '',
    ...view.feeds.map((feed) => formatFeedLine(feed, paint)),
    `prices  ${formatPrices(view.prices)}`,
    `firestore  ${view.openPositions} open positions, ${view.pendingTriggers} pending triggers, ${view.executions} executions`,
    `metrics  ${formatMetrics(view)}`,
    ...trailingSection(view, paint),
    '',
    paint.bold(`Executions (${events.length})`),
  ];
  const footer = [
    '',
    `health   ${view.baseUrl}/health/ready    metrics  ${view.baseUrl}/metrics`,
    paint.dim('Ctrl-C to stop'),
  ];
  const room = Math.max(3, rows - header.length - footer.length);
  const shown = events.length > room ? events.slice(events.length - room) : events;
  const body =
    shown.length > 0
      ? shown.map((e) => formatExecution(e, paint))
      : [paint.dim('waiting for a level to be crossed…')];
  return [...header, ...body, ...footer];
}

export function formatMetrics(view: StatusView): string {
  if (view.metrics === undefined) return 'not read yet';
  const outcomes = Object.entries(view.metrics.executions)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  return (
    `worker_ticks_received_total ${view.metrics.ticksReceived.toLocaleString('en-US')}  ` +
    `worker_executions_total ${outcomes || '0'}`
  );
}

/** Without a TTY: one status line every few seconds, executions printed as they happen. */
export function formatStatusLine(view: StatusView): string {
  const feeds = view.feeds
    .map((feed) => {
      if (feed.desired === undefined) return `${feed.market} no feed`;
      const up = feed.connections.filter((c) => c.state === 'connected').length;
      return `${feed.market} ${feed.ticksPerSecond.toFixed(1)} ticks/s ${up}/${feed.connections.length} conn ${feed.desired?.length ?? 0} symbols`;
    })
    .join(' | ');
  return (
    `[${formatElapsed(view.elapsedMs, view.durationMs)}] ${feeds} | ` +
    `${view.openPositions} open, ${view.pendingTriggers} triggers, ${view.executions} executions`
  );
}

/** `0.5%` or `11.25`, then the activation price if there is one (long: reached from below, short: above). */
export function formatTrailingStop(side: string, stop: TrailingStop): string {
  const { distance, activationPrice } = stop;
  const callback =
    distance.kind === 'rate' ? `${Number((distance.rate * 100).toFixed(4))}%` : formatPrice(distance.amount);
  const from =
    activationPrice === null ? '' : ` from ${side === 'long' ? '>=' : '<='} ${formatPrice(activationPrice)}`;
  return `trailing ${callback}${from}`;
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1_000))} s`;
}

/**
 * One trailing stop: waiting for its activation, following (best price since activation, the level it
 * makes, the last price), crossed in the demo's view, or fired as the worker wrote it.
 */
export function formatTrailing(view: TrailingView, paint: Paint): string {
  const head =
    `${userName(view.uid).padEnd(6)} ${view.symbol.padEnd(9)} ${view.marketType.padEnd(7)} ${view.side.padEnd(5)} ` +
    formatTrailingStop(view.side, view.stop).padEnd(28);
  const last = view.last === undefined ? '' : `  last ${formatPrice(view.last)}`;
  const below = view.side === 'long' ? '<=' : '>=';
  switch (view.phase) {
    case 'waiting':
      return `${head} ${paint.dim(view.last === undefined ? 'waiting for the first price' : 'waiting for activation')}${last}`;
    case 'following':
      return (
        `${head} ${paint.yellow('following')}  best ${formatPrice(view.best as number)}  ` +
        `level ${formatPrice(view.level as number)}${last}`
      );
    case 'crossed': {
      const crossing = view.crossing as NonNullable<TrailingView['crossing']>;
      return (
        `${head} ${paint.yellow('crossed')}  ${formatPrice(crossing.price)} ${below} level ` +
        `${formatPrice(crossing.level)} at ${formatClock(crossing.time)}, waiting for the worker's write`
      );
    }
    case 'closed': {
      const closed = view.closed as NonNullable<TrailingView['closed']>;
      const fired = closed.reason === 'trailing_stop';
      const timing = [
        view.firstPriceAt === undefined
          ? undefined
          : `${seconds(closed.tickTime - view.firstPriceAt)} after its first price`,
        view.activatedAt === undefined || view.activatedAt === view.firstPriceAt
          ? undefined
          : `${seconds(closed.tickTime - view.activatedAt)} after activation`,
      ].filter((part) => part !== undefined);
      const agrees =
        view.crossing === undefined
          ? paint.dim("  (the demo's view had not crossed)")
          : view.crossing.level === closed.level
            ? paint.dim('  (the level the demo followed)')
            : paint.dim(`  (the demo followed level ${formatPrice(view.crossing.level)})`);
      return (
        `${head} ${fired ? paint.red('fired') : `closed by ${REASON_TEXT[closed.reason] ?? closed.reason}`}  ` +
        `closeReason ${closed.reason}  closeTriggerPrice ${formatPrice(closed.level)}  ` +
        `closePrice ${formatPrice(closed.fill)}  at ${formatClock(closed.tickTime)}` +
        (timing.length > 0 ? `, ${timing.join(', ')}` : '') +
        (fired ? agrees : '')
      );
    }
  }
}

function trailingSection(view: StatusView, paint: Paint): string[] {
  const trailing = view.trailing ?? [];
  if (trailing.length === 0) return [];
  return [
    '',
    `${paint.bold('Trailing stops')} ${paint.dim("(followed by the demo from the worker's trade ticks)")}`,
    ...trailing.map((stop) => formatTrailing(stop, paint)),
  ];
}
