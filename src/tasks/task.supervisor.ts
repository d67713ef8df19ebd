import { EventEmitter, setMaxListeners } from 'node:events';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import type {
  BackgroundTaskHost,
  BackgroundTaskOptions,
  TaskDefinition,
} from './background-task.interface.js';
import type { LeadershipSource } from './leadership-source.interface.js';
import type { LeadershipTerm } from './leadership-term.interface.js';
import { TaskRegistry } from './task.registry.js';
import { TaskRunner } from './task.runner.js';
import { ABORT_GRACE_MS } from './tasks.constants.js';

/**
 * The supervisor runs every background task so that nothing a task does can
 * stop the application.
 *
 * Guaranteed: start-up never waits for a task; every run's rejection, throw or
 * unexpected return is caught, logged with its stack and the task's name,
 * recorded in the TaskRegistry and followed by a restart with capped
 * exponential backoff and full jitter (unless the restart policy or crash
 * budget says otherwise); a task never runs twice at once; leader-only tasks
 * run only between leadershipAcquired() and leadershipLost().
 *
 * Not guaranteed: that a task which ignores its AbortSignal ever stops. It is
 * reported (abortIgnoredSince, a warning) and never started again until its
 * run settles, but JavaScript cannot kill it; shutdown gives up on it after
 * SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class TaskSupervisor
  implements OnApplicationBootstrap, BeforeApplicationShutdown, LeadershipSource
{
  private readonly runners = new Map<string, TaskRunner>();
  private readonly leadershipEvents = new EventEmitter();
  private term: LeadershipTerm | null = null;
  private shuttingDown = false;
  private started = false;

  constructor(
    private readonly registry: TaskRegistry,
    private readonly config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.leadershipEvents.setMaxListeners(0);
  }

  /** Adds a task. Throws DuplicateTaskNameError at boot for a taken name. */
  register(options: BackgroundTaskOptions, host: BackgroundTaskHost): void {
    const definition = this.define(options, host);
    this.registry.add(definition);
    const runner = new TaskRunner(definition, {
      registry: this.registry,
      leadership: this,
      logger: this.logger.child({ task: definition.options.name }),
      abortGraceMs: ABORT_GRACE_MS,
    });
    this.runners.set(definition.options.name, runner);
    // A task registered after boot starts at once; before boot it waits for onApplicationBootstrap.
    if (this.started && !this.shuttingDown) this.startRunner(runner);
  }

  onApplicationBootstrap(): void {
    this.started = true;
    for (const runner of this.runners.values()) this.startRunner(runner);
    this.logger.info({ tasks: [...this.runners.keys()] }, 'supervisor started background tasks');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const budgetMs = this.config.get('SHUTDOWN_TIMEOUT_MS', { infer: true });
    const deadline = AbortSignal.timeout(budgetMs);
    // One listener per task on the shared deadline: bounded, not a leak (Node warns past 10).
    setMaxListeners(0, deadline);
    // All at once: the leader-election task itself waits for the leader-only tasks
    // (leadershipLost) before it releases the lease, which keeps the order that matters.
    const stopped = await Promise.all(
      [...this.runners.values()].map(async (runner) => ({
        name: runner.name,
        ended: await runner.stop(deadline),
      })),
    );
    const stuck = stopped.filter((s) => !s.ended).map((s) => s.name);
    if (stuck.length > 0) {
      this.logger.error(
        { tasks: stuck, budgetMs },
        'tasks did not stop within the shutdown budget; leaving them',
      );
    } else {
      this.logger.info({ tasks: stopped.length }, 'all background tasks stopped');
    }
  }

  /** Starts (or restarts) a task by name: the admin API's restart, also for a `failed` task. */
  async restart(name: string): Promise<boolean> {
    const runner = this.runners.get(name);
    if (!runner || this.shuttingDown) return false;
    await runner.stop(AbortSignal.timeout(this.config.get('SHUTDOWN_TIMEOUT_MS', { infer: true })));
    if (runner.isLooping) return false;
    runner.start();
    return true;
  }

  /** Stops one task by name; it stays `stopped` until restarted. */
  async stop(name: string): Promise<boolean> {
    const runner = this.runners.get(name);
    if (!runner) return false;
    return runner.stop(
      AbortSignal.timeout(this.config.get('SHUTDOWN_TIMEOUT_MS', { infer: true })),
    );
  }

  has(name: string): boolean {
    return this.runners.has(name);
  }

  /** Called by the leader module when this instance becomes leader. */
  leadershipAcquired(term: LeadershipTerm): void {
    this.term = term;
    this.leadershipEvents.emit('change');
  }

  /**
   * Called by the leader module when this instance stops being leader: aborts
   * every leader-only run and resolves when they have settled (or at `deadline`).
   */
  async leadershipLost(deadline: AbortSignal): Promise<void> {
    if (this.term === null) return;
    setMaxListeners(0, deadline);
    this.term = null;
    this.leadershipEvents.emit('change');
    await Promise.all(
      [...this.runners.values()]
        .filter((r) => this.registry.definition(r.name)?.options.leaderOnly)
        .map((r) => r.settled(deadline)),
    );
  }

  current(): LeadershipTerm | null {
    return this.term;
  }

  changed(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.leadershipEvents.off('change', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.leadershipEvents.on('change', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  watchTerm(token: number, onLost: () => void): () => void {
    const check = (): void => {
      if (this.term?.token !== token) {
        this.leadershipEvents.off('change', check);
        onLost();
      }
    };
    this.leadershipEvents.on('change', check);
    return () => this.leadershipEvents.off('change', check);
  }

  private startRunner(runner: TaskRunner): void {
    // Why try/catch around a call that "cannot" throw: this is the start-up path the incident broke.
    try {
      runner.start();
    } catch (error: unknown) {
      this.logger.error(
        { err: error, task: runner.name },
        'could not start task; the worker goes on',
      );
    }
  }

  private define(options: BackgroundTaskOptions, host: BackgroundTaskHost): TaskDefinition {
    const env = (
      key:
        | 'TASK_BACKOFF_INITIAL_MS'
        | 'TASK_BACKOFF_MAX_MS'
        | 'TASK_BACKOFF_FACTOR'
        | 'TASK_BACKOFF_RESET_AFTER_MS',
    ): number => this.config.get(key, { infer: true });
    return {
      host,
      options: {
        name: options.name,
        leaderOnly: options.leaderOnly ?? false,
        critical: options.critical ?? false,
        restart: options.restart ?? 'always',
        crashBudget: options.crashBudget,
        stallTimeoutMs: options.stallTimeoutMs,
        backoff: {
          initialMs: options.backoff?.initialMs ?? env('TASK_BACKOFF_INITIAL_MS'),
          maxMs: options.backoff?.maxMs ?? env('TASK_BACKOFF_MAX_MS'),
          factor: options.backoff?.factor ?? env('TASK_BACKOFF_FACTOR'),
          resetAfterMs: options.backoff?.resetAfterMs ?? env('TASK_BACKOFF_RESET_AFTER_MS'),
        },
      },
    };
  }
}
