import type { BackoffOptions } from './background-task.interface.js';

/** The ceiling of the n-th consecutive crash's delay: initial × factor^(n-1), capped. */
export function backoffCeiling(consecutiveCrashes: number, options: BackoffOptions): number {
  const n = Math.max(1, consecutiveCrashes);
  return Math.min(options.maxMs, options.initialMs * options.factor ** (n - 1));
}

/**
 * Exponential backoff with full jitter (uniform in [0, ceiling]): restarts of
 * many replicas that crashed together spread out instead of arriving at once.
 */
export function backoffDelay(
  consecutiveCrashes: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(consecutiveCrashes, options));
}
