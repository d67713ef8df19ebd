import { describe, expect, it } from '@jest/globals';
import { expectNoOverlappingLeaders, leadershipIntervals } from './leadership-intervals.js';
import { LogLines } from './log-lines.js';

const logsOf = (...lines: Record<string, unknown>[]): LogLines => {
  const logs = new LogLines();
  for (const line of lines)
    logs.write(`${JSON.stringify({ level: 30, component: 'leader', ...line })}\n`);
  return logs;
};
const acquired = (token: number, at: number, validUntil: number) => ({
  msg: 'leadership acquired',
  fencingToken: token,
  monoNs: String(at),
  validUntilMonoNs: String(validUntil),
});
const renewed = (token: number, validUntil: number) => ({
  msg: 'leadership renewed',
  fencingToken: token,
  validUntilMonoNs: String(validUntil),
});
const lost = (token: number, at: number) => ({
  msg: 'leadership lost',
  fencingToken: token,
  monoNs: String(at),
});

describe('leadership intervals', () => {
  it('ends a term at min(lost, last validUntil)', () => {
    const logs = logsOf(
      acquired(1, 0, 10),
      renewed(1, 20),
      lost(1, 15),
      acquired(2, 30, 40),
      renewed(2, 50),
      lost(2, 99),
    );
    expect(leadershipIntervals('a', logs)).toEqual([
      { instance: 'a', token: 1, startNs: 0n, endNs: 15n },
      { instance: 'a', token: 2, startNs: 30n, endNs: 50n },
    ]);
  });

  it('accepts terms that follow each other and throws on terms that overlap', () => {
    const a = { name: 'a', logs: logsOf(acquired(1, 0, 10), lost(1, 8)) };
    const b = { name: 'b', logs: logsOf(acquired(2, 9, 30)) };
    expect(expectNoOverlappingLeaders([a, b])).toHaveLength(2);
    const c = { name: 'c', logs: logsOf(acquired(3, 25, 40)) };
    expect(() => expectNoOverlappingLeaders([a, b, c])).toThrow(/two leaders at once/);
  });
});
