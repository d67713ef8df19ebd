import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

export interface EventLoopDelaySnapshot {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  windowMs: number;
}

const WINDOW_MS = 10_000;
const RESOLUTION_MS = 10;

/** Measures event-loop delay over rolling 10 s windows (the current and the last). */
@Injectable()
export class EventLoopMonitor implements OnModuleInit, OnApplicationShutdown {
  private histogram: IntervalHistogram | undefined;
  private previous: EventLoopDelaySnapshot | undefined;
  private rotation: NodeJS.Timeout | undefined;

  onModuleInit(): void {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.rotation = setInterval(() => {
      this.previous = this.current();
      this.histogram?.reset();
    }, WINDOW_MS);
    this.rotation.unref();
  }

  /** The worse of the current and the previous window. */
  snapshot(): EventLoopDelaySnapshot {
    const now = this.current();
    const prev = this.previous;
    if (!prev) return now;
    return {
      p50Ms: Math.max(now.p50Ms, prev.p50Ms),
      p99Ms: Math.max(now.p99Ms, prev.p99Ms),
      maxMs: Math.max(now.maxMs, prev.maxMs),
      windowMs: 2 * WINDOW_MS,
    };
  }

  onApplicationShutdown(): void {
    clearInterval(this.rotation);
    this.histogram?.disable();
  }

  private current(): EventLoopDelaySnapshot {
    const h = this.histogram;
    // A fresh histogram reports NaN/huge sentinels until it has samples.
    if (!h || h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, windowMs: WINDOW_MS };
    // The histogram's samples include the sampling timer's own interval; what matters is the excess.
    const ms = (ns: number): number =>
      Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
    return {
      p50Ms: ms(h.percentile(50)),
      p99Ms: ms(h.percentile(99)),
      maxMs: ms(h.max),
      windowMs: WINDOW_MS,
    };
  }
}
