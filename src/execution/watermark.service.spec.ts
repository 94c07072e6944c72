import type { CrossingPort } from '../cache/crossing-port';
import type { WatermarkRepository, Watermarks } from '../firestore/watermark.repository';
import type { FeedGateway } from '../market-feed/feed-gateway';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { ExecutionService } from './execution.service';
import { WatermarkService } from './watermark.service';

function setup(through: Watermarks, earliestTickTime: Watermarks = {}) {
  const advanced: Watermarks[] = [];
  const repository = {
    load: () => Promise.resolve({}),
    advance: (marks: Watermarks) => {
      advanced.push(marks);
      return Promise.resolve(marks);
    },
  } as unknown as WatermarkRepository;
  const gateway = (time?: number) => ({ evaluatedThrough: () => time }) as unknown as FeedGateway;
  const crossings = { pendingStats: () => ({ earliestTickTime }) } as unknown as CrossingPort;
  const execution = { accepting: true };
  const service = new WatermarkService(
    repository,
    crossings,
    gateway(through.spot),
    gateway(through.futures),
    gateway(through.index),
    { watermarkIntervalMs: 0, backfillHorizonMs: 86_400_000 } as never,
    { instanceId: 'w', logLevel: 'info' },
    new WorkerMetrics(),
    execution as unknown as ExecutionService,
  );
  return { service, advanced, execution };
}

describe('WatermarkService', () => {
  it('vouches per market for what was evaluated, never past the earliest pending crossing', () => {
    expect(setup({ spot: 5_000, futures: 7_000 }, { spot: 4_000 }).service.current()).toEqual({
      spot: 3_999,
      futures: 7_000,
    });
    expect(setup({ futures: 7_000 }).service.current()).toEqual({ futures: 7_000 });
  });

  it('vouches for the futures index prices apart from the trades, held back by a pending futures crossing', () => {
    expect(setup({ futures: 7_000, index: 6_500 }).service.current()).toEqual({
      futures: 7_000,
      index: 6_500,
    });
    expect(setup({ futures: 7_000, index: 6_500 }, { futures: 6_000 }).service.current()).toEqual({
      futures: 5_999,
      index: 5_999,
    });
  });

  it('stores only when the watermark moved, and never once shutdown began', async () => {
    const t = setup({ spot: 5_000 });
    await t.service.store();
    await t.service.store();
    expect(t.advanced).toEqual([{ spot: 5_000 }]);
    const stopping = setup({ spot: 6_000 });
    stopping.execution.accepting = false;
    await stopping.service.store();
    expect(stopping.advanced).toEqual([]);
  });

  it('seeds each feed with its own stream’s watermark at start, the index prices the instrument feed', async () => {
    const seeded: Record<string, number[]> = { spot: [], futures: [], index: [] };
    const gateway = (name: string) =>
      ({ seedWatermark: (time: number) => seeded[name].push(time) }) as unknown as FeedGateway;
    const now = Date.now();
    const repository = {
      load: () => Promise.resolve({ spot: now - 5_000, index: now - 9_000 }),
    } as unknown as WatermarkRepository;
    const service = new WatermarkService(
      repository,
      {} as CrossingPort,
      gateway('spot'),
      gateway('futures'),
      gateway('index'),
      { watermarkIntervalMs: 60_000, watermarkLoadTimeoutMs: 1_000, backfillHorizonMs: 86_400_000 } as never,
      { instanceId: 'w', logLevel: 'info' },
      new WorkerMetrics(),
      { accepting: true } as unknown as ExecutionService,
    );
    await service.onModuleInit();
    service.onApplicationShutdown();
    expect(seeded).toEqual({ spot: [now - 5_000], futures: [], index: [now - 9_000] });
  });
});
