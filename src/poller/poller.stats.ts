/** Counters the poller shows under its task in /health. */
export class PollerStats {
  acked = 0;
  retried = 0;
  deadLettered = 0;
  reclaimed = 0;
  lastBatchAt: number | undefined;
  /** Epoch ms since which the stream has been unreachable, if it is. */
  unavailableSince: number | undefined;

  toJSON(): Record<string, unknown> {
    return {
      acked: this.acked,
      retried: this.retried,
      deadLettered: this.deadLettered,
      reclaimed: this.reclaimed,
      ...(this.lastBatchAt !== undefined && {
        lastBatchAt: new Date(this.lastBatchAt).toISOString(),
      }),
      ...(this.unavailableSince !== undefined && {
        unavailableSince: new Date(this.unavailableSince).toISOString(),
      }),
    };
  }
}
