import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { PriceUpdateProcessor } from '../../execution/price-update.processor';

/**
 * Liveness of the worker's own machinery: the tick path must still take ticks from every feed it
 * subscribed to, however many there are. A tick stream that errored or completed has ended for good, and
 * only a restart brings it back; a tick path subscribed to nothing (not started yet, or stopped) is down.
 */
@Injectable()
export class SubsystemsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly processor: PriceUpdateProcessor,
  ) {}

  check(key = 'tick_path'): HealthIndicatorResult {
    const { live, subscribed, tickErrors } = this.processor.stats();
    const session = this.health.check(key);
    const details = { liveStreams: live, expectedStreams: subscribed, tickErrors };
    return subscribed === 0 || live < subscribed ? session.down(details) : session.up(details);
  }
}
