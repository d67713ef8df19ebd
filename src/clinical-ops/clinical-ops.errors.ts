/**
 * A fenced write was refused: a newer leadership term has written to the
 * worklist, so this instance is a stale leader. Its run must stop without
 * acknowledging anything; the newer leader takes the entries over.
 */
export class StaleLeaderError extends Error {
  constructor(
    readonly token: number,
    readonly newestToken: number,
  ) {
    super(`fenced write refused: token ${token} is older than ${newestToken}`);
    this.name = 'StaleLeaderError';
  }
}
