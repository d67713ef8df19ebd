import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';
import { EventLoopMonitor } from '../health/event-loop.monitor.js';
import { METRIC_PREFIX, METRICS_REGISTRY } from './metrics.constants.js';

/**
 * prom-client's default process and Node metrics (CPU, memory, handles, GC,
 * nodejs_eventloop_lag_*), plus the event-loop delay exactly as liveness
 * judges it (EventLoopMonitor's worse-of-two-windows maximum), so an alert can
 * fire on the number that would fail /health/live.
 */
@Injectable()
export class ProcessMetricsCollector {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, monitor: EventLoopMonitor) {
    collectDefaultMetrics({ register: registry });
    new Gauge({
      name: `${METRIC_PREFIX}event_loop_delay_seconds`,
      help: 'Event-loop delay over the last 10-20 s as /health/live sees it, by quantile (p50, p99, max).',
      labelNames: ['quantile'],
      registers: [registry],
      collect() {
        const s = monitor.snapshot();
        this.set({ quantile: 'p50' }, s.p50Ms / 1000);
        this.set({ quantile: 'p99' }, s.p99Ms / 1000);
        this.set({ quantile: 'max' }, s.maxMs / 1000);
      },
    });
  }
}
