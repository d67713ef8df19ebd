import type { RestartPolicy } from './background-task.interface.js';
import type { TaskState } from './task-state.enum.js';

export interface TaskErrorSummary {
  readonly name: string;
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** A read-only snapshot of one task, as /health, metrics and the admin API see it. */
export interface TaskStatus {
  readonly name: string;
  readonly state: TaskState;
  /** Epoch ms of the last state change. */
  readonly since: number;
  readonly critical: boolean;
  readonly leaderOnly: boolean;
  readonly restartPolicy: RestartPolicy;
  /** Runs started after the first. */
  readonly restarts: number;
  /** Crashes since boot (rejections, throws, unexpected returns, stalls). */
  readonly crashes: number;
  /** Crashes since the task last ran healthy; drives the backoff. */
  readonly consecutiveCrashes: number;
  readonly lastError?: TaskErrorSummary;
  /** Epoch ms at which a task in backoff starts again. */
  readonly nextRestartAt?: number;
  /** Leader-only tasks: the token of the term the current run belongs to. */
  readonly fencingToken?: number;
  /** Epoch ms since which the run has ignored its abort signal. */
  readonly abortIgnoredSince?: number;
}
