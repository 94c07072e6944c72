import { jsonNumber } from './price-format';

/** KuCoin's contract states (SDK spec enum); the simulator's contracts are Open unless `setContract` says otherwise. */
export type SimContractStatus =
  'Init' | 'Open' | 'BeingSettled' | 'Settled' | 'Paused' | 'Closed' | 'CancelOnly';

/**
 * One futures contract as GET /api/v1/contracts/{symbol} and /api/v1/contracts/active give it: every field
 * of the SDK spec (spec/rest/api/openapi-futures-market.json, "Get Symbol"), in its example's key order,
 * with its types (numbers are numbers, `openInterest` a string, the dates ms or null).
 */
export interface SimContract {
  symbol: string;
  rootSymbol: string;
  type: 'FFWCSX' | 'FFICSX';
  firstOpenDate: number;
  expireDate: number | null;
  settleDate: number | null;
  baseCurrency: string;
  quoteCurrency: string;
  settleCurrency: string;
  maxOrderQty: number;
  maxPrice: number;
  lotSize: number;
  tickSize: number;
  indexPriceTickSize: number;
  multiplier: number;
  initialMargin: number;
  /** The maintenance margin rate (MMR) of the first risk-limit level. */
  maintainMargin: number;
  maxRiskLimit: number;
  minRiskLimit: number;
  riskStep: number;
  makerFeeRate: number;
  takerFeeRate: number;
  takerFixFee: number;
  makerFixFee: number;
  settlementFee: number | null;
  isDeleverage: boolean;
  isQuanto: boolean;
  isInverse: boolean;
  markMethod: 'FairPrice';
  fairMethod: 'FundingRate' | null;
  fundingBaseSymbol: string;
  fundingQuoteSymbol: string;
  fundingRateSymbol: string;
  indexSymbol: string;
  settlementSymbol: string | null;
  status: SimContractStatus;
  fundingFeeRate: number;
  predictedFundingFeeRate: number;
  fundingRateGranularity: number;
  openInterest: string;
  turnoverOf24h: number;
  volumeOf24h: number;
  markPrice: number;
  indexPrice: number;
  lastTradePrice: number;
  /** Ms until the next funding settlement (a duration, not a time). */
  nextFundingRateTime: number;
  maxLeverage: number;
  sourceExchanges: string[];
  premiumsSymbol1M: string;
  premiumsSymbol8H: string;
  fundingBaseSymbol1M: string;
  fundingQuoteSymbol1M: string;
  lowPrice: number;
  highPrice: number;
  priceChgPct: number;
  priceChg: number;
  k: number;
  m: number;
  f: number;
  mmrLimit: number;
  mmrLevConstant: number;
  supportCross: boolean;
  buyLimit: number;
  sellLimit: number;
}

/** What a contract's default figures are derived from besides its symbol. */
export interface ContractState {
  readonly tickSize: number;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly lastTradePrice: number;
  readonly now: number;
  readonly day: DayStats;
}

export interface DayStats {
  readonly low: number;
  readonly high: number;
  readonly open: number;
  /** Lots traded, and their value in the quote currency (lots × price). */
  readonly lots: number;
  readonly lotsValue: number;
}

const FUNDING_MS = 28_800_000;
/** KuCoin settles funding at 04:00, 12:00 and 20:00 UTC. */
const FUNDING_OFFSET_MS = 4 * 3_600_000;
/** Lot sizes in coins of KuCoin's biggest linear contracts; others default to 1 coin. */
const MULTIPLIERS: Readonly<Record<string, number>> = { XBT: 0.001, ETH: 0.01, SOL: 0.1 };

/**
 * A contract's figures derived from its symbol: `…USDTM` / `…USDCM` linear (settled in the quote),
 * `…USDM` inverse (settled in the base, multiplier -1); anything else is treated as a linear USDT
 * contract named by its whole symbol. Margins, leverage, fees and index names follow the SDK spec's
 * examples (XBTUSDTM: 125x, IM 0.008, MMR 0.004, index .KXBTUSDT; XBTUSDM: 75x, IM 0.014, MMR 0.007,
 * index .BXBT); other bases get the 75x figures. The live figures come from `state`.
 */
export function defaultContract(symbol: string, state: ContractState): SimContract {
  const suffix = /^(.+?)(USDT|USDC|USD)M$/.exec(symbol);
  const base = suffix?.[1] ?? symbol;
  const quote = suffix?.[2] ?? 'USDT';
  const inverse = quote === 'USD';
  const flagship = base === 'XBT' && quote === 'USDT';
  const multiplier = inverse ? -1 : (MULTIPLIERS[base] ?? 1);
  const coins = Math.abs(multiplier);
  const { markPrice, indexPrice, lastTradePrice, day } = state;
  const sinceSettlement = (((state.now - FUNDING_OFFSET_MS) % FUNDING_MS) + FUNDING_MS) % FUNDING_MS;
  return {
    symbol,
    rootSymbol: inverse ? base : quote,
    type: 'FFWCSX',
    firstOpenDate: 1_585_555_200_000,
    expireDate: null,
    settleDate: null,
    baseCurrency: base,
    quoteCurrency: quote,
    settleCurrency: inverse ? base : quote,
    maxOrderQty: 1_000_000,
    maxPrice: 1_000_000,
    lotSize: 1,
    tickSize: state.tickSize,
    indexPriceTickSize: Number((state.tickSize / 10).toPrecision(6)),
    multiplier,
    initialMargin: flagship ? 0.008 : 0.014,
    maintainMargin: flagship ? 0.004 : 0.007,
    maxRiskLimit: 100_000,
    minRiskLimit: 100_000,
    riskStep: 50_000,
    makerFeeRate: 0.0002,
    takerFeeRate: 0.0006,
    takerFixFee: 0,
    makerFixFee: 0,
    settlementFee: null,
    isDeleverage: true,
    isQuanto: !inverse,
    isInverse: inverse,
    markMethod: 'FairPrice',
    fairMethod: 'FundingRate',
    fundingBaseSymbol: `.${base}INT8H`,
    fundingQuoteSymbol: `.${quote}INT8H`,
    fundingRateSymbol: `.${symbol}FPI8H`,
    indexSymbol: inverse ? `.B${base}` : `.K${base}${quote}`,
    settlementSymbol: '',
    status: 'Open',
    fundingFeeRate: 0.0001,
    predictedFundingFeeRate: 0.0001,
    fundingRateGranularity: FUNDING_MS,
    openInterest: '0',
    turnoverOf24h: round(day.lotsValue * coins, 8),
    volumeOf24h: round(day.lots * coins, 8),
    markPrice,
    indexPrice,
    lastTradePrice,
    nextFundingRateTime: FUNDING_MS - sinceSettlement,
    maxLeverage: flagship ? 125 : 75,
    sourceExchanges: ['okex', 'binance', 'kucoin', 'bybit', 'bitmart', 'gateio'],
    premiumsSymbol1M: `.${symbol}PI`,
    premiumsSymbol8H: `.${symbol}PI8H`,
    fundingBaseSymbol1M: `.${base}INT`,
    fundingQuoteSymbol1M: `.${quote}INT`,
    lowPrice: day.low,
    highPrice: day.high,
    priceChgPct: day.open > 0 ? round((lastTradePrice - day.open) / day.open, 4) : 0,
    priceChg: day.open > 0 ? round(lastTradePrice - day.open, 10) : 0,
    k: 490,
    m: 300,
    f: 1.3,
    mmrLimit: 0.3,
    mmrLevConstant: flagship ? 125 : 75,
    supportCross: true,
    buyLimit: round(markPrice * 1.05, 4),
    sellLimit: round(markPrice * 0.95, 4),
  };
}

/** The contract as JSON in the spec's key order, numbers written without exponents. */
export function contractJson(contract: SimContract): string {
  const fields = Object.entries(contract).map(
    ([key, value]) => `"${key}":${typeof value === 'number' ? jsonNumber(value) : JSON.stringify(value)}`,
  );
  return `{${fields.join(',')}}`;
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
