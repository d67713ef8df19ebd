import { describe, expect, it } from '@jest/globals';
import { canTransition, isActive } from './task-state.machine.js';
import { TaskState } from './task-state.enum.js';

const S = TaskState;

describe('task state machine', () => {
  it.each([
    [S.Starting, S.Running],
    [S.Running, S.Backoff],
    [S.Backoff, S.Starting],
    [S.Running, S.Stalled],
    [S.Stalled, S.Backoff],
    [S.Standby, S.Starting],
    [S.Running, S.Standby],
    [S.Running, S.Stopping],
    [S.Stopping, S.Stopped],
    [S.Running, S.Completed],
    [S.Backoff, S.Stopping],
    [S.Failed, S.Starting],
    [S.Stopped, S.Starting],
  ])('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    [S.Stopping, S.Running],
    [S.Stopping, S.Backoff],
    [S.Stopped, S.Running],
    [S.Failed, S.Running],
    [S.Backoff, S.Running],
    [S.Standby, S.Running],
    [S.Completed, S.Backoff],
  ])('refuses %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('counts only stopped, failed and completed as inactive', () => {
    const inactive = Object.values(TaskState).filter((s) => !isActive(s));
    expect(inactive.sort()).toEqual([S.Completed, S.Failed, S.Stopped].sort());
  });
});
