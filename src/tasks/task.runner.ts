import type { Logger } from 'pino';
import { abortableSleep, whenAborted } from './abortable-sleep.js';
import type { TaskContext, TaskDefinition } from './background-task.interface.js';
import { backoffCeiling, backoffDelay } from './backoff.policy.js';
import type { LeadershipSource } from './leadership-source.interface.js';
import type { LeadershipTerm } from './leadership-term.interface.js';
import {
  LeadershipLostError,
  TaskStalledError,
  TaskStopRequestedError,
  UnexpectedReturnError,
} from './task.errors.js';
import type { TaskRegistry } from './task.registry.js';
import { TaskState } from './task-state.enum.js';
import type { TaskErrorSummary } from './task-status.interface.js';

type RunOutcome =
  { kind: 'returned' } | { kind: 'crashed'; error: unknown } | { kind: 'aborted'; reason: unknown };

export interface TaskRunnerDeps {
  registry: TaskRegistry;
  leadership: LeadershipSource;
  logger: Logger;
  /** How long an aborted run may take to settle before it is reported as ignoring its signal. */
  abortGraceMs: number;
}

/**
 * Runs one task: start, run, and on a crash back off and run again, until
 * stopped. Never throws and never runs the task twice at once: a new run starts
 * only after the previous one has settled, however long that takes.
 */
export class TaskRunner {
  private stopController = new AbortController();
  private loopDone: Promise<void> | undefined;
  private currentRun: Promise<RunOutcome> | undefined;
  private attempt = 0;

  constructor(
    private readonly definition: TaskDefinition,
    private readonly deps: TaskRunnerDeps,
  ) {}

  get name(): string {
    return this.definition.options.name;
  }

  get isLooping(): boolean {
    return this.loopDone !== undefined;
  }

  /** Starts the loop in the background and returns at once. Idempotent. */
  start(): void {
    if (this.loopDone) return;
    this.stopController = new AbortController();
    this.deps.registry.update(this.name, { consecutiveCrashes: 0 });
    this.loopDone = this.loop()
      .catch((error: unknown) => {
        // Only a supervisor bug lands here; the task's own errors are handled in the loop.
        this.deps.logger.error(
          { err: error },
          'supervisor loop failed; task left failed, the worker goes on',
        );
        this.setState(TaskState.Failed, { lastError: summarize(error) });
      })
      .finally(() => {
        this.loopDone = undefined;
      });
  }

  /**
   * Aborts the task and resolves once its loop has ended, or when `deadline`
   * aborts first. Returns whether the loop ended. Safe to call repeatedly.
   */
  async stop(deadline: AbortSignal): Promise<boolean> {
    const done = this.loopDone;
    if (!done) return true;
    if (!this.stopController.signal.aborted) {
      this.setState(TaskState.Stopping);
      this.stopController.abort(new TaskStopRequestedError(this.name));
    }
    let ended = false;
    await Promise.race([done.then(() => (ended = true)), whenAborted(deadline)]);
    return ended;
  }

  /** Resolves when no run is in progress (or when `deadline` aborts). */
  async settled(deadline: AbortSignal): Promise<void> {
    const run = this.currentRun;
    if (run) await Promise.race([run, whenAborted(deadline)]);
  }

  private async loop(): Promise<void> {
    const stop = this.stopController.signal;
    const { leaderOnly, restart, crashBudget, backoff } = this.definition.options;
    const { registry, logger, leadership } = this.deps;
    let consecutive = 0;

    while (!stop.aborted) {
      let term: LeadershipTerm | null = null;
      if (leaderOnly) {
        term = leadership.current();
        if (!term) {
          this.setState(TaskState.Standby, { fencingToken: undefined, nextRestartAt: undefined });
          await leadership.changed(stop);
          continue;
        }
      }

      const startedAt = performance.now();
      this.currentRun = this.runOnce(term);
      const outcome = await this.currentRun;
      this.currentRun = undefined;
      const ranMs = Math.round(performance.now() - startedAt);

      if (stop.aborted) break;
      if (outcome.kind === 'aborted' && outcome.reason instanceof LeadershipLostError) {
        logger.info(
          { fencingToken: term?.token, ranMs },
          'leader-only task ended with its leadership term',
        );
        continue;
      }

      let error: unknown;
      if (outcome.kind === 'returned') {
        if (restart !== 'always') {
          this.setState(TaskState.Completed, { nextRestartAt: undefined });
          logger.info({ ranMs }, 'task completed');
          return;
        }
        error = new UnexpectedReturnError(this.name);
      } else {
        error = outcome.kind === 'crashed' ? outcome.error : outcome.reason;
      }

      // Why: a run that lasted resetAfterMs was healthy; its crash starts the schedule afresh.
      consecutive = ranMs >= backoff.resetAfterMs ? 1 : consecutive + 1;
      const crashes = (registry.get(this.name)?.crashes ?? 0) + 1;
      const lastError = summarize(error);

      if (restart === 'never' || (crashBudget !== undefined && consecutive >= crashBudget)) {
        this.setState(TaskState.Failed, {
          crashes,
          consecutiveCrashes: consecutive,
          lastError,
          nextRestartAt: undefined,
        });
        logger.error(
          {
            err: error,
            consecutiveCrashes: consecutive,
            ranMs,
            restartPolicy: restart,
            crashBudget,
          },
          'task crashed and will not be restarted (failed); the worker goes on',
        );
        return;
      }

      const ceiling = backoffCeiling(consecutive, backoff);
      const delay = backoffDelay(consecutive, backoff);
      this.setState(TaskState.Backoff, {
        crashes,
        consecutiveCrashes: consecutive,
        lastError,
        nextRestartAt: Date.now() + delay,
      });
      // Why: a one-off crash is a warning; the same task crashing again is a crash loop.
      const level = consecutive === 1 ? 'warn' : 'error';
      logger[level](
        {
          err: error,
          consecutiveCrashes: consecutive,
          ranMs,
          restartInMs: delay,
          backoffCeilingMs: ceiling,
        },
        'task crashed; the worker goes on and restarts it after a backoff',
      );
      await abortableSleep(delay, stop);
    }
    this.setState(TaskState.Stopped, { nextRestartAt: undefined });
    logger.info('task stopped');
  }

  private async runOnce(term: LeadershipTerm | null): Promise<RunOutcome> {
    const { host, options } = this.definition;
    const { registry, logger, leadership, abortGraceMs } = this.deps;
    const stop = this.stopController.signal;
    const controller = new AbortController();
    const attempt = ++this.attempt;
    if (attempt > 1)
      registry.update(this.name, { restarts: (registry.get(this.name)?.restarts ?? 0) + 1 });

    const onStop = (): void => controller.abort(stop.reason);
    stop.addEventListener('abort', onStop, { once: true });
    const unwatch = term
      ? leadership.watchTerm(term.token, () =>
          controller.abort(new LeadershipLostError(this.name, term.token)),
        )
      : undefined;

    let lastBeat = performance.now();
    const ctx: TaskContext = {
      name: this.name,
      signal: controller.signal,
      logger: logger.child({ attempt }),
      attempt,
      fencingToken: term?.token,
      heartbeat: () => {
        lastBeat = performance.now();
      },
    };

    const stallMs = options.stallTimeoutMs;
    const watchdog =
      stallMs !== undefined
        ? setInterval(
            () => {
              const silentMs = Math.round(performance.now() - lastBeat);
              if (silentMs <= stallMs || controller.signal.aborted) return;
              this.setState(TaskState.Stalled);
              logger.error(
                { silentMs, stallTimeoutMs: stallMs },
                'task stalled: no heartbeat; aborting it',
              );
              controller.abort(new TaskStalledError(this.name, silentMs));
            },
            Math.max(10, Math.min(1_000, Math.floor(stallMs / 4))),
          )
        : undefined;

    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      // Once aborted, stall checks are moot; what is left to watch is whether the run honours the abort.
      clearInterval(watchdog);
      graceTimer = setTimeout(() => {
        registry.update(this.name, { abortIgnoredSince: Date.now() });
        logger.warn(
          { abortGraceMs, reason: describe(controller.signal.reason) },
          'task ignores its abort signal; it will not run again until this run settles',
        );
      }, abortGraceMs);
      // A run that never settles must not keep the process alive after shutdown.
      graceTimer.unref();
    };
    controller.signal.addEventListener('abort', onAbort, { once: true });

    this.setState(TaskState.Starting, {
      fencingToken: term?.token,
      abortIgnoredSince: undefined,
      nextRestartAt: undefined,
    });
    try {
      if (host.start) await host.start(ctx);
      if (!controller.signal.aborted) {
        lastBeat = performance.now();
        this.setState(TaskState.Running);
        await host.run(ctx);
      }
      return controller.signal.aborted
        ? { kind: 'aborted', reason: controller.signal.reason }
        : { kind: 'returned' };
    } catch (error: unknown) {
      return controller.signal.aborted
        ? { kind: 'aborted', reason: controller.signal.reason }
        : { kind: 'crashed', error };
    } finally {
      clearInterval(watchdog);
      clearTimeout(graceTimer);
      controller.signal.removeEventListener('abort', onAbort);
      stop.removeEventListener('abort', onStop);
      unwatch?.();
      if (registry.get(this.name)?.abortIgnoredSince !== undefined) {
        registry.update(this.name, { abortIgnoredSince: undefined });
        logger.warn('task that ignored its abort signal has finally settled');
      }
    }
  }

  /** Never throws: an illegal transition is a supervisor bug, logged, not allowed to kill the loop. */
  private setState(state: TaskState, patch?: Parameters<TaskRegistry['transition']>[2]): void {
    try {
      this.deps.registry.transition(this.name, state, patch);
    } catch (error: unknown) {
      this.deps.logger.error({ err: error, to: state }, 'illegal task state transition ignored');
    }
  }
}

function summarize(error: unknown): TaskErrorSummary {
  if (error instanceof Error) return { name: error.name, message: error.message, at: Date.now() };
  return { name: 'NonError', message: describe(error), at: Date.now() };
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
