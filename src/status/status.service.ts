import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ShutdownStateService } from '../health/shutdown-state.service.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { REDIS_CLIENT } from '../redis/redis.constants.js';
import { TaskRegistry } from '../tasks/task.registry.js';
import type { StatusPageModel } from './status-page.model.js';
import type { StatusSection, StatusSectionContributor } from './status-section.interface.js';
import { StatusSectionRegistry } from './status-section.registry.js';
import { STATUS_REFRESH_SECONDS } from './status.constants.js';

/**
 * Gathers the status page: tasks from the registry, sections from their
 * contributors. A contributor that throws or does not answer within
 * HEALTH_CHECK_TIMEOUT_MS shows as "unavailable"; the page always renders.
 */
@Injectable()
export class StatusService {
  private readonly startedAt = Date.now();
  private readonly logger: Logger;

  constructor(
    private readonly tasks: TaskRegistry,
    private readonly sections: StatusSectionRegistry,
    private readonly shutdown: ShutdownStateService,
    private readonly config: ConfigService<Env, true>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'status' });
  }

  async model(): Promise<StatusPageModel> {
    const timeoutMs = this.config.get('HEALTH_CHECK_TIMEOUT_MS', { infer: true });
    const sections = await Promise.all(this.sections.list().map((c) => this.collect(c, timeoutMs)));
    return {
      instanceId: this.config.get('INSTANCE_ID', { infer: true }),
      now: Date.now(),
      startedAt: this.startedAt,
      mode: this.redis ? 'redis' : 'embedded',
      shuttingDown: this.shutdown.isShuttingDown,
      refreshSeconds: STATUS_REFRESH_SECONDS,
      tasks: this.tasks.list(),
      sections,
    };
  }

  private async collect(c: StatusSectionContributor, timeoutMs: number): Promise<StatusSection> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await Promise.race([
        Promise.resolve(c.section(signal)),
        new Promise<never>((_, reject) =>
          signal.addEventListener(
            'abort',
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            {
              once: true,
            },
          ),
        ),
      ]);
    } catch (error: unknown) {
      this.logger.warn({ err: error, section: c.title }, 'status section unavailable');
      const message = error instanceof Error ? error.message : String(error);
      return { title: c.title, rows: [['unavailable', message]], tone: 'bad' };
    }
  }
}
