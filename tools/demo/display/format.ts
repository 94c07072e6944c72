import type { ConnectionStatus } from '../../../src/market-feed/feed-gateway';
import { DEMO_UID_PREFIX } from '../seed-plan';
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
  above: 'trigger above',
  below: 'trigger below',
};

export function formatExecution(event: ExecutionEvent, paint: Paint): string {
  const user = event.uid.startsWith(DEMO_UID_PREFIX) ? event.uid.slice(DEMO_UID_PREFIX.length) : event.uid;
  const reason = REASON_TEXT[event.reason] ?? event.reason;
  const colored =
    event.reason === 'stop_loss' || event.reason === 'liquidation'
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
