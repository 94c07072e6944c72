import { LARGEST_REST_TAKE, replicaShare, shareShortfall } from './per-ip-share';

describe("a replica's share of KuCoin's per-IP budgets", () => {
  const KUCOIN = { newConnectionsPerMinute: 30, restWeightPer30s: 1_000 };

  it('is the whole budget for a replica alone behind its IP', () => {
    expect(replicaShare(KUCOIN, 1)).toEqual(KUCOIN);
  });

  it('divides each budget by the replicas behind the IP, rounding down so that together they stay within it', () => {
    expect(replicaShare(KUCOIN, 2)).toEqual({ newConnectionsPerMinute: 15, restWeightPer30s: 500 });
    expect(replicaShare(KUCOIN, 7)).toEqual({ newConnectionsPerMinute: 4, restWeightPer30s: 142 });
    for (let replicas = 1; replicas <= 30; replicas++) {
      const share = replicaShare(KUCOIN, replicas);
      expect(share.newConnectionsPerMinute * replicas).toBeLessThanOrEqual(30);
      expect(share.restWeightPer30s * replicas).toBeLessThanOrEqual(1_000);
    }
  });

  it('needs the weight of the largest single REST call: spot all-tickers, 15', () => {
    expect(LARGEST_REST_TAKE).toBe(15);
  });

  it('leaves a replica unable to work below one connection a minute or below that weight', () => {
    expect(shareShortfall(replicaShare(KUCOIN, 30))).toBeUndefined();
    expect(shareShortfall(replicaShare({ ...KUCOIN, newConnectionsPerMinute: 3 }, 4))).toBe('connections');
    expect(shareShortfall(replicaShare({ ...KUCOIN, restWeightPer30s: 44 }, 3))).toBe('rest');
    expect(shareShortfall(replicaShare({ ...KUCOIN, restWeightPer30s: 45 }, 3))).toBeUndefined();
  });
});
