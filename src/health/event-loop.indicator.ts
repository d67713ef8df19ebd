import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Env } from '../config/env.schema.js';
import { EventLoopMonitor } from './event-loop.monitor.js';

/** Liveness: down only when the event loop was blocked far past its bound (the process is wedged). */
@Injectable()
export class EventLoopHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly monitor: EventLoopMonitor,
    private readonly config: ConfigService<Env, true>,
  ) {}

  check(): HealthIndicatorResult<'eventLoop'> {
    const session = this.indicator.check('eventLoop');
    const snapshot = this.monitor.snapshot();
    const boundMs = this.config.get('HEALTH_EVENT_LOOP_DELAY_MAX_MS', { infer: true });
    const details = { ...snapshot, boundMs };
    return snapshot.maxMs > boundMs ? session.down(details) : session.up(details);
  }
}
