import { contractJson } from './contract-specs';
import { jsonNumber } from './price-format';
import type { SimulatorBook } from './simulator-book';
import type { SimulatorStats } from './simulator.types';

/**
 * KuCoin futures' answer for a contract it does not list: HTTP 200 with code 100003 "Contract parameter
 * invalid" (KuCoin futures docs, system error codes: "No such contract"; Kucoin/kucoin-python-sdk#74 saw
 * it with HTTP 200). Which code the market-data GETs use is not documented; this is the contract one.
 */
export const UNKNOWN_CONTRACT = '{"code":"100003","msg":"Contract parameter invalid"}';

const CONTRACTS_ACTIVE = '/api/v1/contracts/active';
const CONTRACT = /^\/api\/v1\/contracts\/([^/]+)$/;
const MARK_PRICE = /^\/api\/v1\/mark-price\/([^/]+)\/current$/;

export interface RestAnswer {
  readonly status: number;
  readonly text: string;
}

const ok = (data: string): RestAnswer => ({ status: 200, text: `{"code":"200000","data":${data}}` });

/**
 * Futures GET /api/v1/contracts/active, /api/v1/contracts/{symbol} and /api/v1/mark-price/{symbol}/current,
 * shaped as the SDK spec (spec/rest/api/openapi-futures-market.json) gives them; undefined for any other
 * path, or on spot.
 */
export function instrumentRest(
  pathname: string,
  book: SimulatorBook,
  stats: SimulatorStats,
): RestAnswer | undefined {
  if (book.market !== 'futures') return undefined;
  const instruments = book.instruments;
  if (pathname === CONTRACTS_ACTIVE) {
    stats.restContractRequests++;
    const rows = instruments.symbols().map((symbol) => contractJson(instruments.contract(symbol)!));
    return ok(`[${rows.join(',')}]`);
  }
  const contract = CONTRACT.exec(pathname);
  if (contract !== null) {
    stats.restContractRequests++;
    const details = instruments.contract(decoded(contract[1]));
    return details === undefined ? { status: 200, text: UNKNOWN_CONTRACT } : ok(contractJson(details));
  }
  const markPath = MARK_PRICE.exec(pathname);
  if (markPath === null) return undefined;
  stats.restMarkPriceRequests++;
  const symbol = decoded(markPath[1]);
  if (!instruments.isListed(symbol)) return { status: 200, text: UNKNOWN_CONTRACT };
  const mark = instruments.mark(symbol);
  // Listed (a tick size configured) but never traded nor marked: nothing to show yet.
  if (mark === undefined) return ok('null');
  return ok(
    `{"symbol":${JSON.stringify(symbol)},"granularity":1000,"timePoint":${mark.time},` +
      `"value":${jsonNumber(mark.markPrice)},"indexPrice":${jsonNumber(mark.indexPrice)}}`,
  );
}

/** A path segment's text; a malformed escape stays as sent (and names no contract). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
