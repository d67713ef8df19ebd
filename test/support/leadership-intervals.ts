import type { LogLine, LogLines } from './log-lines.js';

/** One leadership term as an instance's logs show it, on CLOCK_MONOTONIC (ns). */
export interface LeadershipInterval {
  readonly instance: string;
  readonly token: number;
  readonly startNs: bigint;
  /** min(the 'leadership lost' line, the last validUntilMonoNs logged for the term). */
  readonly endNs: bigint;
}

const isLeaderLine = (line: LogLine, msg: string): boolean =>
  line.component === 'leader' && line.msg === msg;

/**
 * Rebuilds an instance's validity intervals: [acquired, min(lost, last validUntil)].
 * A term still open when the logs end is bounded by its last validUntil, which
 * the watchdog enforces.
 */
export function leadershipIntervals(instance: string, logs: LogLines): LeadershipInterval[] {
  const intervals: LeadershipInterval[] = [];
  let open: { token: number; startNs: bigint; validUntilNs: bigint } | undefined;
  const close = (lostNs?: bigint): void => {
    if (!open) return;
    const endNs = lostNs !== undefined && lostNs < open.validUntilNs ? lostNs : open.validUntilNs;
    intervals.push({ instance, token: open.token, startNs: open.startNs, endNs });
    open = undefined;
  };
  for (const line of logs.lines) {
    if (isLeaderLine(line, 'leadership acquired')) {
      close();
      open = {
        token: Number(line.fencingToken),
        startNs: BigInt(line.monoNs as string),
        validUntilNs: BigInt(line.validUntilMonoNs as string),
      };
    } else if (isLeaderLine(line, 'leadership renewed') && open) {
      open.validUntilNs = BigInt(line.validUntilMonoNs as string);
    } else if (isLeaderLine(line, 'leadership lost')) {
      close(BigInt(line.monoNs as string));
    }
  }
  close();
  return intervals;
}

/** Throws, naming both terms, if any two instances' validity intervals overlap. */
export function expectNoOverlappingLeaders(
  instances: readonly { name: string; logs: LogLines }[],
): LeadershipInterval[] {
  const all = instances.flatMap((i) => leadershipIntervals(i.name, i.logs));
  for (const a of all) {
    for (const b of all) {
      if (a !== b && a.startNs < b.endNs && b.startNs < a.endNs) {
        throw new Error(
          `two leaders at once: ${a.instance} (token ${a.token}) [${a.startNs}, ${a.endNs}] ns and ` +
            `${b.instance} (token ${b.token}) [${b.startNs}, ${b.endNs}] ns`,
        );
      }
    }
  }
  return all;
}
