import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ShutdownStateService } from './shutdown-state.service.js';

/** Readiness: down from the moment shutdown begins, so no new traffic is routed here. */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly shutdown: ShutdownStateService,
  ) {}

  check(): HealthIndicatorResult<'shutdown'> {
    const session = this.indicator.check('shutdown');
    return this.shutdown.isShuttingDown
      ? session.down({
          message: 'shutting down',
          since: new Date(this.shutdown.since ?? Date.now()).toISOString(),
        })
      : session.up();
  }
}
