import type { Tick } from '../domain/market';
import { GapRecovery, type RecoveryResult } from './gap-recovery';
import { RateLimitPenalty } from './kucoin/rate-limit-penalty';
import { TokenBucket } from './kucoin/rate-limiters';
import { systemClock } from '../timing/clock';
import type { FetchLike } from './kucoin/kucoin-rest';

const T0 = 1_700_000_040_000;
const NS = 1_000_000;

function trade(sequence: number, price: number): Tick {
  return {
    marketType: 'spot',
    symbol: 'BTC-USDT',
    price,
    exchangeTime: T0 + sequence,
    receivedAt: T0 + sequence,
    source: 'stream',
    sequence: String(sequence),
  };
}

function setup(history: () => Response) {
  const emitted: Tick[] = [];
  const results: RecoveryResult[] = [];
  const givenUp: [string, string][] = [];
  const fetch: FetchLike = () => Promise.resolve(history());
  const recovery = new GapRecovery({
    market: 'spot',
    apiUrl: 'https://k.test',
    fetch,
    clock: systemClock,
    bucket: new TokenBucket(1_000, 30_000),
    penalty: new RateLimitPenalty(),
    concurrency: 2,
    horizonMs: 86_400_000,
    maxHeld: 100,
    emit: (tick) => emitted.push(tick),
    onRecovery: (result) => results.push(result),
    onGivenUp: (symbol, reason) => givenUp.push([symbol, reason]),
  });
  const seen = (): string[] => emitted.map((t) => `${t.sequence}@${t.price}:${t.source}`);
  return { recovery, emitted, results, givenUp, seen };
}

const historyOf = (rows: [number, number][]) => () =>
  new Response(
    JSON.stringify({
      code: '200000',
      data: rows.map(([sequence, price]) => ({
        sequence: String(sequence),
        price: String(price),
        time: (T0 + sequence) * NS,
      })),
    }),
  );

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('GapRecovery', () => {
  it('leaves a symbol never evaluated to the ticker catch-up, with nothing held', () => {
    const t = setup(historyOf([]));
    expect(t.recovery.onSubscribed(['BTC-USDT'])).toEqual(['BTC-USDT']);
    t.recovery.onStreamTick(trade(1, 100));
    expect(t.seen()).toEqual(['1@100:stream']);
  });

  it('after a resubscribe, evaluates the missed trades before the live ones that raced them', async () => {
    const t = setup(
      historyOf([
        [1, 100],
        [2, 90],
        [3, 95],
        [4, 96],
      ]),
    );
    t.recovery.onStreamTick(trade(1, 100));
    expect(t.recovery.onSubscribed(['BTC-USDT'])).toEqual([]);
    t.recovery.onStreamTick(trade(4, 96)); // live, while the history is fetched
    t.recovery.onStreamTick(trade(5, 97));
    expect(t.seen()).toEqual(['1@100:stream']);
    await settle();
    expect(t.seen()).toEqual([
      '1@100:stream',
      '2@90:backfill',
      '3@95:backfill',
      '4@96:backfill',
      '5@97:stream',
    ]);
    expect(t.results).toEqual(['recovered']);
    expect(t.recovery.isRecovering('BTC-USDT')).toBe(false);
  });

  it('releases the held trades when the recovery is given up', async () => {
    const t = setup(() => new Response('bad request', { status: 400 }));
    t.recovery.onStreamTick(trade(1, 100));
    t.recovery.onSubscribed(['BTC-USDT']);
    t.recovery.onStreamTick(trade(9, 99));
    await settle();
    expect(t.results).toEqual(['gave_up']);
    expect(t.givenUp).toEqual([['BTC-USDT', expect.stringContaining('400')]]);
    expect(t.seen()).toEqual(['1@100:stream', '9@99:stream']);
  });
});
