import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { CacheHealthIndicator } from './indicators/cache.health';
import { EventLoopHealthIndicator } from './indicators/event-loop.health';
import { FeedHealthIndicator } from './indicators/feed.health';
import { SubsystemsHealthIndicator } from './indicators/subsystems.health';

/**
 * Kubernetes probes. Liveness (also the startup probe) asks only about this process, and its verdict does
 * not depend on who else calls it; readiness asks whether the worker can act: books filled and fresh, and
 * every market with something to watch connected and receiving. A failing check answers 503 with a body
 * naming the failing part and why by stable codes; error texts go to the logs, not to any caller.
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private wasReady: boolean | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly subsystems: SubsystemsHealthIndicator,
    private readonly cache: CacheHealthIndicator,
    private readonly feeds: FeedHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.eventLoop.check(), () => this.subsystems.check()]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    const [spot, futures] = this.feeds.check();
    try {
      const result = await this.health.check([() => this.cache.check(), () => spot, () => futures]);
      this.noteReadiness(true, result);
      return result;
    } catch (error) {
      if (error instanceof ServiceUnavailableException) this.noteReadiness(false, error.getResponse());
      throw error;
    }
  }

  /** Probes come every few seconds: log when readiness changes, not on every probe. */
  private noteReadiness(ready: boolean, body: unknown): void {
    if (ready === this.wasReady) return;
    this.wasReady = ready;
    if (ready) this.logger.log({ msg: 'ready' });
    else this.logger.warn({ msg: 'not ready', health: body });
  }
}
