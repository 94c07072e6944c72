import { Global, Module } from '@nestjs/common';
import { WorkerMetrics } from './worker-metrics';

/** One metrics registry for the whole app; any provider may inject WorkerMetrics. */
@Global()
@Module({
  providers: [{ provide: WorkerMetrics, useFactory: () => new WorkerMetrics() }],
  exports: [WorkerMetrics],
})
export class MetricsModule {}
