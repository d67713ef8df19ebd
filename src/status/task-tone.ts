import { TaskState } from '../tasks/task-state.enum.js';

/** The colour a state gets on the status page. */
export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export function taskTone(state: TaskState): Tone {
  switch (state) {
    case TaskState.Running:
    case TaskState.Standby:
      return 'ok';
    case TaskState.Starting:
    case TaskState.Backoff:
    case TaskState.Stopping:
      return 'warn';
    case TaskState.Stalled:
    case TaskState.Failed:
    case TaskState.Stopped:
      return 'bad';
    case TaskState.Completed:
      return 'idle';
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}
