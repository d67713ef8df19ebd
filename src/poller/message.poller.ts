import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { BackgroundTask } from '../tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../tasks/background-task.interface.js';
import { MessageBatchProcessor } from './message-batch.processor.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import type { MessageStream } from './message-stream.interface.js';
import { MESSAGE_STREAM, POLLER_STALL_TIMEOUT_MS, POLLER_TASK_NAME } from './poller.constants.js';
import { PollerLoopRunner } from './poller-loop.runner.js';
import { pollerSettings, type PollerSettings } from './poller.settings.js';
import { PollerStats } from './poller.stats.js';

/**
 * The message poller: one consumer (named INSTANCE_ID) of the group on every
 * replica, supervised as the critical task `message-poller`.
 *
 * Guaranteed: at least once. An entry is acked only after its handler
 * succeeded or after it was written to the dead-letter stream (in the same
 * Lua script). Failures are retried with backoff up to POLLER_MAX_DELIVERIES;
 * entries of a dead consumer come back after POLLER_VISIBILITY_TIMEOUT_MS. A
 * stream outage is waited out; the worker keeps serving.
 *
 * Not guaranteed: exactly once (a handler can run twice for one entry after a
 * crash, a lost XACK or a handler slower than the visibility timeout), or
 * order across entries. Handlers are idempotent on the message id.
 */
@BackgroundTask({ name: POLLER_TASK_NAME, critical: true, stallTimeoutMs: POLLER_STALL_TIMEOUT_MS })
@Injectable()
export class MessagePoller implements BackgroundTaskHost {
  private readonly settings: PollerSettings;
  private readonly stats = new PollerStats();
  private readonly logger: Logger;
  private current: PollerLoopRunner | undefined;

  constructor(
    @Inject(MESSAGE_STREAM) private readonly stream: MessageStream,
    private readonly handlers: MessageHandlerRegistry,
    config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.settings = pollerSettings(config);
    this.logger = rootLogger.child({ component: 'poller' });
  }

  async start(ctx: TaskContext): Promise<void> {
    // Embedded mode (stream kind `memory`) is announced once, app-wide, by RedisModule.
    // Fails fast while Redis is down; the supervisor backs off and starts again.
    await this.stream.ensureGroup();
    this.metrics?.declareMessageTypes(this.handlers.types());
    ctx.logger.info(
      {
        stream: this.stream.name,
        group: this.stream.group,
        consumer: this.stream.consumer,
        handlers: this.handlers.types(),
      },
      'message poller consuming',
    );
  }

  async run(ctx: TaskContext): Promise<void> {
    const processor = new MessageBatchProcessor(
      this.stream,
      this.handlers,
      this.settings,
      ctx.logger,
      this.metrics,
    );
    this.current = new PollerLoopRunner(
      this.stream,
      processor,
      this.settings,
      this.stats,
      ctx,
      this.metrics,
    );
    try {
      await this.current.run();
    } finally {
      this.current = undefined;
    }
  }

  async healthDetails(signal: AbortSignal): Promise<Record<string, unknown>> {
    const base = {
      mode: this.stream.kind === 'memory' ? 'embedded' : 'redis',
      consumer: this.stream.consumer,
      scheduledRetries: this.current?.scheduledRetries ?? 0,
      ...this.stats.toJSON(),
    };
    try {
      return { ...(await this.stream.lag(signal)), ...base };
    } catch (error: unknown) {
      this.logger.debug({ err: error }, 'consumer lag unavailable');
      return {
        ...base,
        lagError: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
