import type { MarketType } from '../../../src/domain/market';
import {
  fetchPublicToken,
  fetchTickerBody,
  restTickerToTick,
} from '../../../src/market-feed/kucoin/kucoin-rest';
import type { FetchLike } from '../../../src/market-feed/kucoin/kucoin-rest';
import type { DemoArgs } from '../demo-args';
import { type DemoSymbol, KUCOIN_FUTURES_API, KUCOIN_SPOT_API, PROBE_TIMEOUT_MS } from '../demo.constants';

export type FeedChoice =
  | { readonly kind: 'live'; readonly prices: ReadonlyMap<string, number> }
  | { readonly kind: 'simulated'; readonly why: string };

const API_URL: Record<MarketType, string> = { spot: KUCOIN_SPOT_API, futures: KUCOIN_FUTURES_API };

/**
 * Live when KuCoin answers: the bullet-public token endpoint (what the worker calls first) and a REST
 * ticker per demo symbol, each within a few seconds. Otherwise the simulator, with the reason to print.
 * `--live` makes a failure an error instead of a fallback.
 */
export async function chooseFeed(
  feed: DemoArgs['feed'],
  symbols: readonly DemoSymbol[],
  fetchFn: FetchLike,
): Promise<FeedChoice> {
  if (feed === 'simulated')
    return { kind: 'simulated', why: 'asked for (--simulated or DEMO_FEED=simulated)' };
  const bounded: FetchLike = (url, init) =>
    fetchFn(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  try {
    await fetchPublicToken(bounded, KUCOIN_SPOT_API);
    return { kind: 'live', prices: await livePrices(symbols, bounded) };
  } catch (error) {
    const why = `KuCoin could not be reached (${error instanceof Error ? error.message : String(error)})`;
    if (feed === 'live') throw new Error(why);
    return { kind: 'simulated', why };
  }
}

async function livePrices(symbols: readonly DemoSymbol[], fetchFn: FetchLike): Promise<Map<string, number>> {
  const entries = await Promise.all(
    symbols.map(async ({ marketType, symbol }): Promise<[string, number]> => {
      const body = await fetchTickerBody(fetchFn, marketType, API_URL[marketType], symbol);
      const tick = restTickerToTick(marketType, symbol, body, Date.now());
      if (typeof tick === 'string') throw new Error(`no usable ${marketType} ticker for ${symbol} (${tick})`);
      return [symbol, tick.price];
    }),
  );
  return new Map(entries);
}
