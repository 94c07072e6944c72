import type { FetchLike } from '../../../src/market-feed/kucoin/kucoin-rest';
import type { FakeKucoin } from './fake-kucoin';

/** One index snapshot as `/api/v1/index/query` lists it. */
export interface IndexPoint {
  readonly time: number;
  readonly value: number;
}

/**
 * KuCoin futures' instrument REST beside the fake edge's token and ticker: the current mark price, one
 * contract's details (its index symbol `.K` + the symbol without its `M`), the index snapshots (filtered by
 * `startAt`/`endAt`, newest first, at most `maxCount`) and the index symbol's 1-minute candles, each set by
 * the test. Every URL is recorded in the fake's `fetchedUrls`.
 */
export function fakeInstrumentRest(kucoin: FakeKucoin) {
  const state = {
    mark: { value: 100.5, indexPrice: 100.25, timePoint: 1_700_000_000_000 },
    indexPoints: [] as IndexPoint[],
    /** `[start, open, high, low, close, volume]` rows of the index symbol, as KuCoin's kline/query. */
    indexCandles: [] as number[][],
    /** Contracts whose details KuCoin answers with an error code. */
    unknownContracts: new Set<string>(),
    markFetches: [] as string[],
    /** While set, index snapshot answers wait for it (a recovery in flight). */
    indexGate: undefined as Promise<void> | undefined,
  };
  const ok = (data: unknown): Promise<Response> =>
    Promise.resolve(new Response(JSON.stringify({ code: '200000', data })));
  const fetch: FetchLike = (url, init) => {
    const { pathname, searchParams: q } = new URL(url);
    const markPath = /^\/api\/v1\/mark-price\/([^/]+)\/current$/.exec(pathname);
    const contractPath = /^\/api\/v1\/contracts\/([^/]+)$/.exec(pathname);
    const indexCandles = pathname === '/api/v1/kline/query' && q.get('symbol')?.startsWith('.');
    if (!markPath && !contractPath && pathname !== '/api/v1/index/query' && !indexCandles)
      return kucoin.fetch(url, init);
    kucoin.fetchedUrls.push(url);
    kucoin.fetchedAt.push(Date.now());
    if (markPath) {
      state.markFetches.push(markPath[1]);
      return ok({ symbol: markPath[1], granularity: 1000, ...state.mark });
    }
    if (contractPath) {
      const symbol = contractPath[1];
      if (state.unknownContracts.has(symbol))
        return Promise.resolve(new Response('{"code":"100003","msg":"Contract parameter invalid"}'));
      return ok({ symbol, indexSymbol: `.K${symbol.slice(0, -1)}` });
    }
    if (indexCandles) {
      const [from, to] = [Number(q.get('from')), Number(q.get('to'))];
      return ok(state.indexCandles.filter(([start]) => start >= from && start <= to));
    }
    return (state.indexGate ?? Promise.resolve()).then(() => indexAnswer(q));
  };
  const indexAnswer = (q: URLSearchParams): Promise<Response> => {
    const [from, to] = [Number(q.get('startAt')), Number(q.get('endAt'))];
    const matching = state.indexPoints
      .filter((p) => p.time >= from && p.time <= to)
      .sort((a, b) => b.time - a.time);
    const max = Number(q.get('maxCount') ?? 10);
    const dataList = matching.slice(0, max).map((p) => ({
      symbol: q.get('symbol'),
      granularity: 1000,
      timePoint: p.time,
      value: p.value,
      decomposionList: [],
    }));
    return ok({ dataList, hasMore: matching.length > max });
  };
  return { state, fetch };
}
