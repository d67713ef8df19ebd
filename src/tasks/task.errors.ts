/** Boot-time error: two tasks share a name. */
export class DuplicateTaskNameError extends Error {
  constructor(name: string) {
    super(`Two background tasks are named "${name}"; task names must be unique`);
    this.name = 'DuplicateTaskNameError';
  }
}

/** Boot-time error: a @BackgroundTask host that is not a static singleton. */
export class InvalidTaskHostError extends Error {
  constructor(name: string, reason: string) {
    super(`Background task "${name}" cannot be supervised: ${reason}`);
    this.name = 'InvalidTaskHostError';
  }
}

export class IllegalTaskTransitionError extends Error {
  constructor(task: string, from: string, to: string) {
    super(`Task "${task}" cannot go from ${from} to ${to}`);
    this.name = 'IllegalTaskTransitionError';
  }
}

/** Abort reason: no heartbeat within the stall timeout. Counts as a crash. */
export class TaskStalledError extends Error {
  constructor(task: string, silentMs: number) {
    super(`Task "${task}" sent no heartbeat for ${silentMs} ms`);
    this.name = 'TaskStalledError';
  }
}

/** Crash reason: an `always` task's run returned although nobody aborted it. */
export class UnexpectedReturnError extends Error {
  constructor(task: string) {
    super(`Task "${task}" returned from run() without being aborted`);
    this.name = 'UnexpectedReturnError';
  }
}

/** Abort reason: the supervisor is stopping the task (shutdown or admin). */
export class TaskStopRequestedError extends Error {
  constructor(task: string) {
    super(`Task "${task}" was asked to stop`);
    this.name = 'TaskStopRequestedError';
  }
}

/** Abort reason: this instance lost leadership; the leader-only run must end. */
export class LeadershipLostError extends Error {
  constructor(task: string, token: number) {
    super(`Task "${task}" lost the leadership term with token ${token}`);
    this.name = 'LeadershipLostError';
  }
}
