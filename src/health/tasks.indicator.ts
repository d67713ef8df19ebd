import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { TaskRegistry } from '../tasks/task.registry.js';
import { TaskState } from '../tasks/task-state.enum.js';
import type { TaskStatus } from '../tasks/task-status.interface.js';

const DOWN_STATES: ReadonlySet<TaskState> = new Set([
  TaskState.Stopped,
  TaskState.Failed,
  TaskState.Stalled,
]);
const READY_STATES: ReadonlySet<TaskState> = new Set([TaskState.Running, TaskState.Standby]);

/**
 * Reports every supervised task. Never throws, and answers within
 * HEALTH_CHECK_TIMEOUT_MS even when a task's healthDetails() hangs.
 */
@Injectable()
export class TasksHealthIndicator {
  private readonly logger: Logger;

  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly registry: TaskRegistry,
    private readonly config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'health' });
  }

  /** /health: down when a task is stopped, failed or stalled; degraded while one backs off. */
  async check(): Promise<HealthIndicatorResult<'tasks'>> {
    const session = this.indicator.check('tasks');
    const tasks = this.registry.list();
    const details = await this.describeAll(tasks);
    const down = tasks.filter((t) => DOWN_STATES.has(t.state)).map((t) => t.name);
    if (down.length > 0) return session.down({ ...details, down });
    if (tasks.some((t) => t.state === TaskState.Backoff)) return session.degraded(details);
    return session.up(details);
  }

  /** /health/ready: down while a critical task is neither running nor in standby. */
  checkCritical(): HealthIndicatorResult<'tasks'> {
    const session = this.indicator.check('tasks');
    const critical = this.registry.list().filter((t) => t.critical);
    const notReady = critical.filter((t) => !READY_STATES.has(t.state));
    const summary = Object.fromEntries(critical.map((t) => [t.name, { state: t.state }]));
    return notReady.length > 0
      ? session.down({ ...summary, notReady: notReady.map((t) => t.name) })
      : session.up(summary);
  }

  private async describeAll(tasks: TaskStatus[]): Promise<Record<string, unknown>> {
    const timeoutMs = this.config.get('HEALTH_CHECK_TIMEOUT_MS', { infer: true });
    const entries = await Promise.all(
      tasks.map(
        async (t) =>
          [t.name, { ...describe(t), ...(await this.hostDetails(t.name, timeoutMs)) }] as const,
      ),
    );
    return Object.fromEntries(entries);
  }

  private async hostDetails(name: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const host = this.registry.definition(name)?.host;
    if (!host?.healthDetails) return {};
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const details = await Promise.race([
        host.healthDetails(signal),
        new Promise<never>((_, reject) =>
          signal.addEventListener(
            'abort',
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            { once: true },
          ),
        ),
      ]);
      return { details };
    } catch (error: unknown) {
      this.logger.warn({ err: error, task: name }, 'task health details unavailable');
      return { details: { error: error instanceof Error ? error.message : String(error) } };
    }
  }
}

function describe(t: TaskStatus): Record<string, unknown> {
  return {
    state: t.state,
    since: new Date(t.since).toISOString(),
    critical: t.critical,
    leaderOnly: t.leaderOnly,
    restarts: t.restarts,
    crashes: t.crashes,
    ...(t.lastError && {
      lastError: t.lastError.message,
      lastErrorAt: new Date(t.lastError.at).toISOString(),
    }),
    ...(t.nextRestartAt !== undefined && {
      nextRestartAt: new Date(t.nextRestartAt).toISOString(),
    }),
    ...(t.fencingToken !== undefined && { fencingToken: t.fencingToken }),
    ...(t.abortIgnoredSince !== undefined && {
      abortIgnoredSince: new Date(t.abortIgnoredSince).toISOString(),
    }),
  };
}
