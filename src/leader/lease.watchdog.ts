/**
 * The self-demotion timer, apart from the renew loop: a slow, hung or crashed
 * loop cannot keep a stale leader working. Deadlines are CLOCK_MONOTONIC
 * nanoseconds (process.hrtime.bigint()); wall-clock jumps do not move them.
 */
export class LeaseWatchdog {
  private timer: NodeJS.Timeout | undefined;

  /** Calls `onExpired` once the monotonic clock reaches `deadlineNs`, unless re-armed or disarmed first. */
  arm(deadlineNs: bigint, onExpired: () => void): void {
    this.disarm();
    const check = (): void => {
      const leftNs = deadlineNs - process.hrtime.bigint();
      if (leftNs <= 0n) {
        this.timer = undefined;
        onExpired();
        return;
      }
      // Why +1: a timer may fire up to a millisecond early after rounding.
      this.timer = setTimeout(check, Number(leftNs / 1_000_000n) + 1);
    };
    check();
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
