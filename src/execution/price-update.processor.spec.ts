import { Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { CacheCore } from '../cache/cache-core';
import type { ExecutionConfig } from '../config';
import type { Hit, PositionEntry, TriggerEntry } from '../domain/crossing';
import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { ExecutionService } from './execution.service';
import { PriceUpdateProcessor } from './price-update.processor';
import { makeTick } from '../../test/support/ticks';

const CONFIG: ExecutionConfig = {
  concurrency: 4,
  maxAttempts: 3,
  retryBaseMs: 1,
  retryMaxMs: 2,
  pendingRetryBaseMs: 5,
  pendingRetryMaxMs: 10,
  shutdownGraceMs: 50,
  terminationGraceMs: 30_000,
};

const tick = (price: number, symbol = 'BTC-USDT'): Tick =>
  makeTick({ price, symbol, receivedAt: Date.now() });

const long = (id: string, stopLoss: number, takeProfit: number): PositionEntry => ({
  path: `users/u/openPositions/${id}`,
  side: 'long',
  size: 1,
  stopLoss,
  takeProfit,
});
const above = (id: string, targetPrice: number): TriggerEntry => ({
  path: `users/u/tradeTriggers/${id}`,
  condition: 'above',
  targetPrice,
});

function setup() {
  const cache = new CacheCore();
  const at = { marketType: 'spot' as const, symbol: 'BTC-USDT', version: 1 };
  const seen = <E>(entry: E) => ({ version: 1, item: { ...at, entry } });
  cache.applyPosition('users/u/openPositions/a', seen(long('a', 90, 110)));
  cache.applyPosition('users/u/openPositions/b', seen(long('b', 80, 120)));
  cache.applyTrigger('users/u/tradeTriggers/t', seen(above('t', 105)));
  const submitted: [Hit, Tick][] = [];
  const execution = {
    submit: (hit: Hit, t: Tick): boolean => {
      submitted.push([hit, t]);
      cache.checkOut(hit, t);
      return true;
    },
    shutdown: jest.fn(() => Promise.resolve(true)),
    stats: () => ({ queue: { length: 0 } }),
  } as unknown as ExecutionService;
  const source = new Subject<Tick>();
  const metrics = new WorkerMetrics();
  const processor = new PriceUpdateProcessor(cache, [{ ticks$: source }], execution, metrics, CONFIG);
  const paths = (): string[] => submitted.map(([hit]) => hit.entry.path).sort();
  return { cache, processor, submitted, source, metrics, execution, paths };
}

describe('PriceUpdateProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('hands every crossed position and trigger over, once, with the tick', () => {
    const t = setup();
    expect(t.processor.processPriceUpdate(tick(110))).toBe(2);
    expect(t.paths()).toEqual(['users/u/openPositions/a', 'users/u/tradeTriggers/t']);
    expect(t.submitted[0][1].price).toBe(110);
    // Checked out: the next tick at the same price hands nothing over again.
    expect(t.processor.processPriceUpdate(tick(111))).toBe(0);
    expect(t.processor.processPriceUpdate(tick(125))).toBe(1);
    expect(t.paths()).toEqual([
      'users/u/openPositions/a',
      'users/u/openPositions/b',
      'users/u/tradeTriggers/t',
    ]);
  });

  it('does nothing for a price between all levels or an unknown symbol', () => {
    const t = setup();
    expect(t.processor.processPriceUpdate(tick(100))).toBe(0);
    expect(t.processor.processPriceUpdate(tick(1, 'ETH-USDT'))).toBe(0);
    expect(t.submitted).toEqual([]);
  });

  it('records tick-to-decision latency only for ticks that hand something over', async () => {
    const t = setup();
    t.processor.processPriceUpdate(tick(100));
    t.processor.processPriceUpdate(tick(85));
    const metric = await t.metrics.tickToDecision.get();
    const count = metric.values.find((v) => v.metricName?.endsWith('_count') && v.labels.market === 'spot');
    expect(count?.value).toBe(1);
  });

  it('subscribes to every tick source on bootstrap, survives a failing tick, and unsubscribes on shutdown', async () => {
    const t = setup();
    t.processor.onApplicationBootstrap();
    jest.spyOn(t.processor, 'processPriceUpdate').mockImplementationOnce(() => {
      throw new Error('bad tick');
    });
    t.source.next(tick(85));
    t.source.next(tick(85));
    expect(t.processor.stats()).toEqual({ tickErrors: 1, subscribed: 1, live: 1 });
    expect(t.paths()).toEqual(['users/u/openPositions/a']);
    await t.processor.beforeApplicationShutdown();
    expect(t.execution.shutdown).toHaveBeenCalledWith(50);
    t.source.next(tick(200));
    expect(t.paths()).toEqual(['users/u/openPositions/a']);
    expect(t.source.observed).toBe(false);
  });

  it('walks a book of 10,000 untouched positions without handing anything over', () => {
    const t = setup();
    for (let i = 0; i < 10_000; i++) {
      const entry = long(`bulk${i}`, 50 - (i % 40), 150 + (i % 40));
      t.cache.applyPosition(entry.path, {
        version: 1,
        item: { marketType: 'spot', symbol: 'BTC-USDT', entry, version: 1 },
      });
    }
    for (let p = 91; p < 105; p += 0.001) t.processor.processPriceUpdate(tick(p));
    expect(t.submitted).toEqual([]);
  });
});
