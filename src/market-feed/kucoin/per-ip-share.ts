import { ALL_TICKERS_WEIGHT } from '../topic-audit';
import { CANDLES_WEIGHT, HISTORY_WEIGHT } from './kucoin-history';

/** KuCoin budgets that are counted per IP, or one replica's share of them. */
export interface KucoinBudgets {
  /** New WebSocket connections per minute (KuCoin: 30). */
  readonly newConnectionsPerMinute: number;
  /** REST weight per 30 s for the catch-ups, gap recoveries and topic audits (KuCoin's pool: 2000). */
  readonly restWeightPer30s: number;
}

/**
 * The most weight one call takes from the REST budget at once: the spot all-tickers of the topic audit
 * (15), above a futures gap recovery's history and candles (8). A smaller budget would never let it through.
 */
export const LARGEST_REST_TAKE = Math.max(
  ...Object.values(ALL_TICKERS_WEIGHT),
  ...Object.values(HISTORY_WEIGHT).map((weight) => weight + CANDLES_WEIGHT),
);

/**
 * One replica's share of budgets KuCoin counts per IP, when `replicasPerIp` replicas leave through one
 * egress IP (a NAT): each budget divided by them, rounded down, so that together they never exceed it.
 */
export function replicaShare(perIp: KucoinBudgets, replicasPerIp: number): KucoinBudgets {
  return {
    newConnectionsPerMinute: Math.floor(perIp.newConnectionsPerMinute / replicasPerIp),
    restWeightPer30s: Math.floor(perIp.restWeightPer30s / replicasPerIp),
  };
}

/**
 * What a share leaves a replica unable to do: open any connection, or make its largest REST call;
 * undefined when it can do both.
 */
export function shareShortfall(share: KucoinBudgets): 'connections' | 'rest' | undefined {
  if (share.newConnectionsPerMinute < 1) return 'connections';
  if (share.restWeightPer30s < LARGEST_REST_TAKE) return 'rest';
  return undefined;
}
