import type { TaskStatus } from '../tasks/task-status.interface.js';

/** A task as the admin API returns it: the registry snapshot with ISO times. */
export interface TaskView {
  name: string;
  state: string;
  since: string;
  critical: boolean;
  leaderOnly: boolean;
  restartPolicy: string;
  restarts: number;
  crashes: number;
  consecutiveCrashes: number;
  lastError?: { name: string; message: string; at: string };
  nextRestartAt?: string;
  fencingToken?: number;
  abortIgnoredSince?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function toTaskView(t: TaskStatus): TaskView {
  return {
    name: t.name,
    state: t.state,
    since: iso(t.since),
    critical: t.critical,
    leaderOnly: t.leaderOnly,
    restartPolicy: t.restartPolicy,
    restarts: t.restarts,
    crashes: t.crashes,
    consecutiveCrashes: t.consecutiveCrashes,
    ...(t.lastError && { lastError: { ...t.lastError, at: iso(t.lastError.at) } }),
    ...(t.nextRestartAt !== undefined && { nextRestartAt: iso(t.nextRestartAt) }),
    ...(t.fencingToken !== undefined && { fencingToken: t.fencingToken }),
    ...(t.abortIgnoredSince !== undefined && { abortIgnoredSince: iso(t.abortIgnoredSince) }),
  };
}
