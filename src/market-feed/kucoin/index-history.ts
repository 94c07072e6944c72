import type { RecoveredTrade, TradeMark } from '../../domain/gap-plan';
import { type Tick, timeSequence } from '../../domain/market';
import { type GapRecoveryDeps, recoverFromLatest } from './kucoin-history';
import { KucoinRestError, callJson, dataOf } from './kucoin-rest';

/**
 * A futures contract's index price history, which KuCoin keeps (unlike the mark price's): per-second
 * snapshots on `GET /api/v1/index/query` (at most 100 a call, "a 5s cache when querying") and 1-minute
 * candles on `GET /api/v1/kline/query` with the contract's index symbol (`.KXBTUSDT`), which
 * `GET /api/v1/contracts/{symbol}` names as `indexSymbol` (Kucoin/kucoin-universal-sdk
 * spec/rest/api/openapi-futures-market.json). A gap in a contract's index prices is recovered from them as a
 * gap in its trades is from the trade history and candles: the latest snapshots, and candles where they do
 * not reach back.
 */

/** Weights in the Public pool (SDK spec): index snapshots 2, one contract's details 3. */
export const INDEX_HISTORY_WEIGHT = 2;
export const CONTRACT_WEIGHT = 3;
/** Snapshots per call: KuCoin's maximum. */
const INDEX_POINTS_PER_CALL = 100;
/**
 * How far back the snapshots are asked for: no more than one call's worth at one a second, so the answer
 * is the whole window whichever end KuCoin would have cut a longer one from (`reverse`, `forward` and
 * `offset` are not explained well enough to rely on). Older parts of a gap come from the index candles.
 */
const INDEX_WINDOW_MS = (INDEX_POINTS_PER_CALL - 1) * 1_000;

export interface IndexGapDeps extends GapRecoveryDeps {
  /** The contract's index symbol, asked of KuCoin once per contract (see IndexSymbols). */
  readonly indexSymbols: IndexSymbols;
}

/** The ticks that recover the index prices of `symbol` after `mark`, oldest first (candles, then snapshots). */
export async function recoverIndexGap(deps: IndexGapDeps, symbol: string, mark: TradeMark): Promise<Tick[]> {
  const indexSymbol = await deps.indexSymbols.of(symbol, deps);
  // Asking again will not name one: the recovery is given up (and counted) at once.
  if (indexSymbol === undefined)
    throw new KucoinRestError(`KuCoin names no index symbol for ${symbol}`, 200, false);
  const now = deps.now();
  const url = indexHistoryUrl(deps.apiUrl, indexSymbol, Math.max(mark.time, now - INDEX_WINDOW_MS), now);
  const latest = parseIndexHistory(await callJson(deps.fetch, 'GET', url));
  return recoverFromLatest(deps, { symbol, candlesSymbol: indexSymbol, priceType: 'index' }, latest, mark);
}

/**
 * The snapshots from `from` (the mark, or the start of the last window) to `to`, newest first
 * (`reverse=true`). The mark's own snapshot is asked for too: an answer that includes it shows the gap is
 * covered. KuCoin
 * takes whole milliseconds; a mark from a document's update time has a fraction, so it is rounded down.
 */
export function indexHistoryUrl(apiUrl: string, indexSymbol: string, from: number, to: number): string {
  const s = encodeURIComponent(indexSymbol);
  return (
    `${apiUrl}/api/v1/index/query?symbol=${s}&startAt=${Math.floor(from)}&endAt=${Math.ceil(to)}` +
    `&reverse=true&maxCount=${INDEX_POINTS_PER_CALL}`
  );
}

/**
 * `data.dataList[{timePoint (ms), value}]` as points ordered by their time, the same order the stream's
 * index ticks take (see timeSequence); a snapshot without a positive time or value is left out.
 */
export function parseIndexHistory(body: unknown): RecoveredTrade[] {
  const list = dataOf(body)?.dataList;
  if (!Array.isArray(list)) return [];
  const points: RecoveredTrade[] = [];
  for (const raw of list as unknown[]) {
    if (raw === null || typeof raw !== 'object') continue;
    const { timePoint, value } = raw as Record<string, unknown>;
    const time = Number(timePoint);
    const price = Number(value);
    if (Number.isSafeInteger(time) && time > 0 && Number.isFinite(price) && price > 0)
      points.push({ sequence: timeSequence(time), time, price });
  }
  return points;
}

/** `data.indexSymbol` of a `/api/v1/contracts/{symbol}` answer; undefined for an error or a contract without one. */
export function parseIndexSymbol(body: unknown): string | undefined {
  const indexSymbol = dataOf(body)?.indexSymbol;
  return typeof indexSymbol === 'string' && indexSymbol.length > 0 ? indexSymbol : undefined;
}

/** Each contract's index symbol, asked of KuCoin at its first recovery and kept (it never changes). */
export class IndexSymbols {
  private readonly known = new Map<string, string>();

  async of(
    symbol: string,
    deps: Pick<GapRecoveryDeps, 'fetch' | 'apiUrl' | 'spendMore'>,
  ): Promise<string | undefined> {
    const known = this.known.get(symbol);
    if (known !== undefined) return known;
    await deps.spendMore(CONTRACT_WEIGHT);
    const indexSymbol = parseIndexSymbol(await callJson(deps.fetch, 'GET', contractUrl(deps.apiUrl, symbol)));
    if (indexSymbol !== undefined) this.known.set(symbol, indexSymbol);
    return indexSymbol;
  }
}

function contractUrl(apiUrl: string, symbol: string): string {
  return `${apiUrl}/api/v1/contracts/${encodeURIComponent(symbol)}`;
}
