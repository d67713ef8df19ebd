import { Injectable } from '@nestjs/common';
import type { TaskDefinition } from './background-task.interface.js';
import { DuplicateTaskNameError, IllegalTaskTransitionError } from './task.errors.js';
import { canTransition } from './task-state.machine.js';
import { TaskState } from './task-state.enum.js';
import type { TaskStatus } from './task-status.interface.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type StatusPatch = Partial<
  Pick<
    TaskStatus,
    | 'restarts'
    | 'crashes'
    | 'consecutiveCrashes'
    | 'lastError'
    | 'nextRestartAt'
    | 'fencingToken'
    | 'abortIgnoredSince'
  >
>;

/**
 * The one owner of task state. The supervisor writes it; health, metrics and
 * the admin API read snapshots. Transitions are checked against the state machine.
 */
@Injectable()
export class TaskRegistry {
  private readonly tasks = new Map<string, Mutable<TaskStatus>>();
  private readonly definitions = new Map<string, TaskDefinition>();

  add(definition: TaskDefinition): void {
    const { name, critical, leaderOnly, restart } = definition.options;
    if (this.tasks.has(name)) throw new DuplicateTaskNameError(name);
    this.definitions.set(name, definition);
    this.tasks.set(name, {
      name,
      state: leaderOnly ? TaskState.Standby : TaskState.Starting,
      since: Date.now(),
      critical,
      leaderOnly,
      restartPolicy: restart,
      restarts: 0,
      crashes: 0,
      consecutiveCrashes: 0,
    });
  }

  transition(name: string, to: TaskState, patch: StatusPatch = {}): void {
    const status = this.mustGet(name);
    if (!canTransition(status.state, to)) {
      throw new IllegalTaskTransitionError(name, status.state, to);
    }
    if (status.state !== to) {
      status.state = to;
      status.since = Date.now();
    }
    Object.assign(status, patch);
  }

  update(name: string, patch: StatusPatch): void {
    Object.assign(this.mustGet(name), patch);
  }

  get(name: string): TaskStatus | undefined {
    const status = this.tasks.get(name);
    return status ? { ...status } : undefined;
  }

  definition(name: string): TaskDefinition | undefined {
    return this.definitions.get(name);
  }

  list(): TaskStatus[] {
    return [...this.tasks.values()].map((s) => ({ ...s }));
  }

  private mustGet(name: string): Mutable<TaskStatus> {
    const status = this.tasks.get(name);
    if (!status) throw new Error(`Unknown task "${name}"`);
    return status;
  }
}
