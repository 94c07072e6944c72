import type { ExchangeSimulator } from '../../../tools/exchange-simulator';

/**
 * KuCoin futures pushes carry `ts` in nanoseconds, which the feed turns into ms through a double
 * (nanosToMillis): about one millisecond value in eight comes out one lower. Each wick tick is pushed just
 * after the clock reached a millisecond that survives that, as does the next one, so this scenario checks
 * the tick time kept through the outage and not the rounding.
 */
const survivesNanos = (ms: number): boolean => Math.floor(Number(`${ms}000000`) / 1e6) === ms;

export function pushWickTick(sim: ExchangeSimulator, symbol: string, price: number): void {
  const previous = Date.now();
  let now = previous;
  while (now === previous || !survivesNanos(now) || !survivesNanos(now + 1)) now = Date.now();
  sim.setPrice(symbol, price);
}

/** The exchange time (ms) of the simulator's current quote, read back as a client does: its REST ticker. */
export async function quoteTime(sim: ExchangeSimulator, symbol: string): Promise<number> {
  const path = sim.market === 'spot' ? '/api/v1/market/orderbook/level1' : '/api/v1/ticker';
  const body = await (await fetch(`${sim.apiUrl}${path}?symbol=${symbol}`)).text();
  const digits = /"(?:time|ts)":(\d+)/.exec(body)![1]; // digits: a ts in ns is beyond a double's precision
  return Number(sim.market === 'spot' ? digits : digits.slice(0, -6));
}
