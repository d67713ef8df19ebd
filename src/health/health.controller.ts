import { Controller, Get } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import { LeaderHealthIndicator } from '../leader/leader.indicator.js';
import { RedisHealthIndicator } from '../redis/redis.indicator.js';
import { EventLoopHealthIndicator } from './event-loop.indicator.js';
import { ShutdownHealthIndicator } from './shutdown.indicator.js';
import { TasksHealthIndicator } from './tasks.indicator.js';

/**
 * Kubernetes probes. Liveness ("restart me") fails only when the process is
 * wedged; a stopped task or a lost Redis never restarts the pod. Readiness
 * ("don't route to me") fails on shutdown, Redis down, or a critical task down.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly tasks: TasksHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly leader: LeaderHealthIndicator,
  ) {}

  @Get('live')
  live() {
    return this.health.check([() => this.eventLoop.check()]);
  }

  @Get('ready')
  ready() {
    return this.health.check([
      () => this.shutdown.check(),
      () => this.redis.check(),
      () => this.tasks.checkCritical(),
    ]);
  }

  @Get()
  all() {
    return this.health.check([
      () => this.shutdown.check(),
      () => this.eventLoop.check(),
      () => this.redis.check(),
      () => this.tasks.check(),
      () => this.leader.check(),
    ]);
  }
}
