import type { LeadershipTerm } from './leadership-term.interface.js';

/** How a runner learns about leadership; implemented by TaskSupervisor. */
export interface LeadershipSource {
  current(): LeadershipTerm | null;
  /** Resolves at the next leadership change, or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void>;
  /** Calls `onLost` once the term with `token` is no longer current. Returns an unsubscribe. */
  watchTerm(token: number, onLost: () => void): () => void;
}
