import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { PriceUpdateProcessor } from '../../execution/price-update.processor';

/**
 * Liveness of the worker's own machinery: the tick path must still take ticks from both feeds. A tick
 * stream that errored or completed has ended for good, and only a restart brings it back.
 */
@Injectable()
export class SubsystemsHealthIndicator {
  private static readonly TICK_STREAMS = 2;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly processor: PriceUpdateProcessor,
  ) {}

  check(key = 'tick_path'): HealthIndicatorResult {
    const { live, tickErrors } = this.processor.stats();
    const session = this.health.check(key);
    const details = {
      liveStreams: live,
      expectedStreams: SubsystemsHealthIndicator.TICK_STREAMS,
      tickErrors,
    };
    return live < SubsystemsHealthIndicator.TICK_STREAMS ? session.down(details) : session.up(details);
  }
}
