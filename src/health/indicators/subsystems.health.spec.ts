import { HealthIndicatorService } from '@nestjs/terminus';
import { Subject } from 'rxjs';
import { CacheCore } from '../../cache/cache-core';
import type { ExecutionConfig } from '../../config';
import type { Tick } from '../../domain/market';
import type { ExecutionService } from '../../execution/execution.service';
import { PriceUpdateProcessor } from '../../execution/price-update.processor';
import { WorkerMetrics } from '../../metrics/worker-metrics';
import { SubsystemsHealthIndicator } from './subsystems.health';
import { makeTick } from '../../../test/support/ticks';

const CONFIG = { shutdownGraceMs: 0 } as ExecutionConfig;

function setup(extra: Subject<Tick>[] = [], bootstrap = true) {
  const spot = new Subject<Tick>();
  const futures = new Subject<Tick>();
  const execution = { shutdown: () => Promise.resolve(true), stats: () => ({ queue: {} }) };
  const processor = new PriceUpdateProcessor(
    new CacheCore(),
    [spot, futures, ...extra].map((ticks$) => ({ ticks$ })),
    execution as unknown as ExecutionService,
    new WorkerMetrics(),
    CONFIG,
  );
  if (bootstrap) processor.onApplicationBootstrap();
  const indicator = new SubsystemsHealthIndicator(new HealthIndicatorService(), processor);
  return { spot, futures, processor, indicator };
}

describe('SubsystemsHealthIndicator (liveness of the tick path)', () => {
  it('is up while both tick streams flow', () => {
    const t = setup();
    expect(t.indicator.check()).toEqual({
      tick_path: { status: 'up', liveStreams: 2, expectedStreams: 2, tickErrors: 0 },
    });
  });

  it.each([
    ['errored', (s: Subject<Tick>) => s.error(new Error('boom'))],
    ['completed', (s: Subject<Tick>) => s.complete()],
  ])('turns down for good once a tick stream has %s', (_how, end) => {
    const t = setup();
    end(t.futures);
    expect(t.indicator.check()).toEqual({
      tick_path: { status: 'down', liveStreams: 1, expectedStreams: 2, tickErrors: 0 },
    });
    t.spot.next(makeTick({ price: 1, exchangeTime: 1, receivedAt: 1 }));
    expect(t.indicator.check().tick_path.status).toBe('down');
  });

  it('expects every stream it subscribed to, however many: a third one ended is down too', () => {
    const instrument = new Subject<Tick>();
    const t = setup([instrument]);
    expect(t.indicator.check().tick_path).toMatchObject({ status: 'up', liveStreams: 3, expectedStreams: 3 });
    instrument.complete();
    expect(t.indicator.check().tick_path).toMatchObject({
      status: 'down',
      liveStreams: 2,
      expectedStreams: 3,
    });
  });

  it('is down before the tick path has subscribed to anything', () => {
    const t = setup([], false);
    expect(t.indicator.check().tick_path).toMatchObject({
      status: 'down',
      liveStreams: 0,
      expectedStreams: 0,
    });
  });

  it('is down once the tick path has stopped at shutdown', async () => {
    const t = setup();
    await t.processor.beforeApplicationShutdown();
    expect(t.indicator.check().tick_path).toMatchObject({ status: 'down', liveStreams: 0 });
  });
});
