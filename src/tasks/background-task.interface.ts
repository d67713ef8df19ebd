import type { Logger } from 'pino';

/** Erlang/OTP restart kinds: permanent, transient, temporary. */
export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** A run that lasted this long counts as healthy: the next crash starts the schedule again. */
  resetAfterMs: number;
}

export interface BackgroundTaskOptions {
  /** Unique; names the task in logs, /health and metrics. */
  name: string;
  /** Runs only on the elected leader; `standby` elsewhere. Default false. */
  leaderOnly?: boolean;
  /** Readiness fails while a critical task is not running (or in standby). Default false. */
  critical?: boolean;
  /** Default `always`. */
  restart?: RestartPolicy;
  /** No heartbeat for this long marks the run stalled, aborts and restarts it. Default: no watchdog. */
  stallTimeoutMs?: number;
  /** Consecutive crashes after which the task is `failed` instead of restarted. Default: unlimited. */
  crashBudget?: number;
  /** Overrides the TASK_BACKOFF_* defaults for this task. */
  backoff?: Partial<BackoffOptions>;
}

/** What a run gets. The run must return once `signal` aborts. */
export interface TaskContext {
  readonly name: string;
  readonly signal: AbortSignal;
  /** pino logger bound to `{ task: name, attempt }`. */
  readonly logger: Logger;
  /** 1 for the first run, counting every restart. */
  readonly attempt: number;
  /** Leader-only tasks: the fencing token of the leadership term this run belongs to. */
  readonly fencingToken?: number;
  /** Tells the stall watchdog the task is making progress. Cheap; call it every iteration. */
  heartbeat(): void;
}

/**
 * A provider marked with @BackgroundTask implements this. `start` (optional)
 * is the task's start-up (connect, create a consumer group); the task shows as
 * `starting` until it resolves. `run` is the long-lived loop.
 */
export interface BackgroundTaskHost {
  start?(ctx: TaskContext): Promise<void>;
  run(ctx: TaskContext): Promise<void>;
  /** Extra details shown under this task in /health (consumer lag, counts). Must honour `signal`. */
  healthDetails?(signal: AbortSignal): Promise<Record<string, unknown>>;
}

/** A task as the supervisor knows it: options resolved, host attached. */
export interface TaskDefinition {
  readonly options: Required<
    Omit<BackgroundTaskOptions, 'crashBudget' | 'stallTimeoutMs' | 'backoff'>
  > & {
    readonly crashBudget?: number;
    readonly stallTimeoutMs?: number;
    readonly backoff: BackoffOptions;
  };
  readonly host: BackgroundTaskHost;
}
