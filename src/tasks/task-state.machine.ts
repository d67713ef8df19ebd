import { TaskState } from './task-state.enum.js';

const S = TaskState;

/** The allowed transitions; anything else is a supervisor bug and throws. */
const transitions: Readonly<Record<TaskState, readonly TaskState[]>> = {
  [S.Starting]: [
    S.Running,
    S.Backoff,
    S.Stalled,
    S.Stopping,
    S.Stopped,
    S.Failed,
    S.Completed,
    S.Standby,
  ],
  [S.Running]: [S.Backoff, S.Stalled, S.Stopping, S.Stopped, S.Failed, S.Completed, S.Standby],
  [S.Backoff]: [S.Starting, S.Stopping, S.Stopped, S.Standby],
  [S.Standby]: [S.Starting, S.Stopping, S.Stopped],
  [S.Stalled]: [S.Backoff, S.Stopping, S.Stopped, S.Failed, S.Standby],
  [S.Stopping]: [S.Stopped],
  [S.Stopped]: [S.Starting, S.Standby],
  [S.Failed]: [S.Starting, S.Standby],
  [S.Completed]: [S.Starting, S.Standby],
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return from === to || transitions[from].includes(to);
}

/** States in which the task is doing, or about to do, its work. */
export function isActive(state: TaskState): boolean {
  switch (state) {
    case S.Starting:
    case S.Running:
    case S.Backoff:
    case S.Standby:
    case S.Stalled:
    case S.Stopping:
      return true;
    case S.Stopped:
    case S.Failed:
    case S.Completed:
      return false;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
