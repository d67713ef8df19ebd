/** DI token of the LeaseStore (Redis, or in-memory in embedded mode). */
export const LEASE_STORE = Symbol('LEASE_STORE');

/** The supervised task that runs the election loop. */
export const LEADER_ELECTION_TASK = 'leader-election';

/** Lease keys: one hash tag, so every script's keys live in one Redis Cluster slot. */
export function leaseKeys(leaderKey: string): { lease: string; epoch: string; released: string } {
  return {
    lease: `{${leaderKey}}:lease`,
    epoch: `{${leaderKey}}:epoch`,
    released: `{${leaderKey}}:released`,
  };
}
