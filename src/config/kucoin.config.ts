import { registerAs } from '@nestjs/config';
import { intVar, parseEnv, urlVar } from './parse-env';

/**
 * KuCoin endpoints and feed limits. Only the REST base URLs are configured: the WebSocket endpoint
 * always comes from the bullet-public token response, so pointing these at the simulator is enough.
 */
export const kucoinConfig = registerAs('kucoin', () => {
  const env = parseEnv({
    KUCOIN_SPOT_API_URL: urlVar('https://api.kucoin.com'),
    KUCOIN_FUTURES_API_URL: urlVar('https://api-futures.kucoin.com'),
    KUCOIN_SPOT_MAX_TOPICS_PER_CONNECTION: intVar(300, 1, 400),
    KUCOIN_FUTURES_MAX_TOPICS_PER_CONNECTION: intVar(300, 1, 10_000),
    KUCOIN_STALE_FEED_MS: intVar(30_000, 1_000, 600_000),
  });
  return {
    spotApiUrl: env.KUCOIN_SPOT_API_URL,
    futuresApiUrl: env.KUCOIN_FUTURES_API_URL,
    spotMaxTopicsPerConnection: env.KUCOIN_SPOT_MAX_TOPICS_PER_CONNECTION,
    futuresMaxTopicsPerConnection: env.KUCOIN_FUTURES_MAX_TOPICS_PER_CONNECTION,
    staleFeedMs: env.KUCOIN_STALE_FEED_MS,
  };
});
export type KucoinConfig = ReturnType<typeof kucoinConfig>;
