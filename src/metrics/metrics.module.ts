import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { WorkerMetrics } from './worker-metrics';

/** One metrics registry for the whole app; any provider may inject WorkerMetrics. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: WorkerMetrics, useFactory: () => new WorkerMetrics() }],
  exports: [WorkerMetrics],
})
export class MetricsModule {}
