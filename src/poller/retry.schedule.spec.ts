import { describe, expect, it } from '@jest/globals';
import { RetrySchedule } from './retry.schedule.js';

describe('RetrySchedule', () => {
  it('doubles the delay with each delivery, capped', () => {
    const schedule = new RetrySchedule(100, 1_000);
    expect([1, 2, 3, 4, 5, 30].map((n) => schedule.delayFor(n))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('hands out due entries once, and tells when the next one is due', () => {
    const schedule = new RetrySchedule(100, 1_000);
    schedule.add('1-0', 1, 0);
    schedule.add('2-0', 2, 0);
    expect(schedule.nextDueIn(0)).toBe(100);
    expect(schedule.takeDue(150, 10)).toEqual(['1-0']);
    expect(schedule.takeDue(150, 10)).toEqual([]);
    expect(schedule.nextDueIn(150)).toBe(50);
    expect(schedule.takeDue(250, 10)).toEqual(['2-0']);
    expect(schedule.nextDueIn(250)).toBeUndefined();
  });
});
