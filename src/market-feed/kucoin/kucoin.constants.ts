/** KuCoin's limit on new WebSocket connections per minute (per user). */
export const KUCOIN_CONNECTIONS_PER_MINUTE = 30;
/** KuCoin public REST pool: 2000 weight per 30 s per IP. */
export const KUCOIN_REST_WEIGHT_PER_30S = 2000;
