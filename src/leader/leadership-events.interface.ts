export type LeaderRole = 'leader' | 'follower';

export interface LeadershipAcquiredEvent {
  readonly token: number;
  readonly leaderId: string;
}

export interface LeadershipLostEvent {
  readonly token: number;
  /** Why: 'lease lost', 'renew deadline passed', 'stopping', 'election loop ended'. */
  readonly reason: string;
}
