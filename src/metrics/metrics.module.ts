import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HealthModule } from '../health/health.module.js';
import { LeaderModule } from '../leader/leader.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { LeadershipMetricsListener } from './leadership-metrics.listener.js';
import { MetricsController } from './metrics.controller.js';
import { METRICS_REGISTRY } from './metrics.constants.js';
import { MetricsService } from './metrics.service.js';
import { ProcessMetricsCollector } from './process-metrics.collector.js';
import { TaskMetricsCollector } from './task-metrics.collector.js';

/**
 * GET /metrics and the MetricsService every module records into. Global, so
 * a feature module injects MetricsService without importing this module.
 * One Registry per app instance: several apps in one process never collide.
 */
@Global()
@Module({
  imports: [TasksModule, HealthModule, LeaderModule],
  controllers: [MetricsController],
  providers: [
    { provide: METRICS_REGISTRY, useFactory: () => new Registry() },
    MetricsService,
    TaskMetricsCollector,
    ProcessMetricsCollector,
    LeadershipMetricsListener,
  ],
  exports: [MetricsService, METRICS_REGISTRY],
})
export class MetricsModule {}
